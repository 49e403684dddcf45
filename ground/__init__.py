"""The ground floor: small helpers every layer may use (per-key locks, JSON read with limits,
the names things are known by: keys and ids). Imports nothing of the app.
"""
