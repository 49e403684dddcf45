"""The OpenAI tool-calling agent: the loop, its three HubSpot tools, the memory window, prompts.
May import contacts/, store/, config/ and ground/; never the flows that call it, nor the SDK.
"""
