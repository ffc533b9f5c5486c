"""The one access policy: who may do what to which case; the API, the pages and the services ask it."""
