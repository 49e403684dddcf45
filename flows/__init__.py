"""The conversation logic: guided search and create, updates with Confirm, model mode, history,
refusals, write claims, conversation state, card submits and the router that picks the flow.
May import cards/, agent/, typed/, contacts/, store/, config/ and ground/; never bots/,
webchat/ or the Bot Framework SDK: a flow gets a `Turn` (flows/turn.py).
"""
