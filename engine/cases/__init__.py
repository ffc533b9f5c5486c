"""Cases: the case model, the store that loads and saves them, the case services, links, audit and queries."""
