"""Typed commands understood without a model (guided mode), English and Korean.
May import contacts/ and ground/ only; the router (flows/router.py) acts on its `Command`.

Why no model: with no OpenAI key the bot must still search, create and update from a typed
line. The path reads flows -> typed -> contacts: `parse_command` turns a line into a `Command`
(the intent, its slots as typed, and for a create whether it is certain enough to write at
once); the flows run the values through `ContactsService`, which validates, and every update
is confirmed on a card.

    typed/words.py      the declarative table: intents, slots (fields) and their words, EN + KO
    typed/korean.py     particles, verb endings and typos, unspaced Korean, names that win
    typed/tokens.py     the tokenizer: values keep their place in the line, so they stay as typed
    typed/questions.py  how-to questions (help) and questions not about contacts (off_topic)
    typed/parse.py      intent, then slots, per intent
    typed/search.py     a search's criteria
    typed/create.py     a create's values, and the doubtful ones (`Command.doubts`)

Common Korean family and given names are data in contacts/korean_names.py.
"""

from typed.command import Command, Kind
from typed.parse import MAX_COMMAND_CHARS, parse_command

__all__ = ["Command", "Kind", "MAX_COMMAND_CHARS", "parse_command"]
