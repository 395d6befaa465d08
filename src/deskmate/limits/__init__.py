"""Abuse protection: request limits per account and per address, kept in the database.

Sign-in lockout is django-axes; everything else (password-link e-mails, invitations, imports,
token creation, unauthenticated POSTs, the API) counts hits here. The counters live in the
database every web process already shares, and each hit is one atomic upsert, so the limits
hold across processes without a shared cache. (django-ratelimit refuses Django's database
cache because its increments are not atomic; this table's are.)
"""
