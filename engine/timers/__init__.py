"""Timers that never miss: the database says what is due, workers claim and fire, APScheduler only wakes.

`claims` finds and leases due timers; `worker` fires them through the case service.
"""
