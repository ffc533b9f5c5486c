"""Task forms: form-js definitions turned into validation (and, for pages, rendering data)."""
