"""The agent side: typed commands without a model, the OpenAI tool-calling loop, its three
HubSpot tools, the memory window and the prompts. Free of Bot Framework types."""
