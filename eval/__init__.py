"""`make eval`: the agent against a real model, graded only by what HubSpot holds and what the
user was shown.

    tasks.toml   the conversations (English and Korean), their seeded contacts and end states
    tasks.py     reads and checks them
    runner.py    one task run: the real app over HTTP (tests/support's channel and the local
                 HubSpot), pointed at the model through a metered client (meter.py)
    grading.py   pass or fail, and every value written that the user did not give
    report.py    the table: pass rates by language and category, pass^k, calls, tokens, seconds

Why a harness apart from the tests: the tests pin behaviour with a scripted model, so they say
nothing about what a real model does with our prompt and tools. This measures that, so a change
to the prompt, tools or guards can be judged by numbers (before/after), not by a few chats.
It is not part of `make test`: it needs a model and takes minutes.
"""
