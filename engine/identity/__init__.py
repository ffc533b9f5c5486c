"""Who people are: users, groups and roles, passwords, API tokens."""
