"""Task forms: form-js definitions checked at deploy, and submissions judged as form-js judges them
(and, for pages, rendering data)."""
