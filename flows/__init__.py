"""The conversation logic: guided search and create, updates with Confirm, model mode, history,
refusals, write claims, conversation state, card submits and the router that picks the flow.

Free of Bot Framework types: a flow gets a `Turn` (flows/turn.py) and may import cards/,
agent/, typed/, contacts/, store/ and ground/; never bots/, webchat/ or the SDK.
"""
