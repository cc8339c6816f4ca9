"""Accounts: LinkedIn apps, logging in, refreshing tokens, and `publish doctor`.

``publisher.auth`` gathers the public names; ``publisher.tokens`` is the token store.
"""
