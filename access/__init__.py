"""Who sees what: users, roles, sessions, the audit trail and the department scope every query applies.

``roles`` (the principal and what each role may do), ``users`` (argon2 passwords, sign-in, lockout),
``sessions`` (server-side sessions that expire), ``audit`` (the trail), ``scope`` (the department scope as
bound predicates), ``rls`` (PostgreSQL row-level security), ``cli`` (``python -m access``).
"""
