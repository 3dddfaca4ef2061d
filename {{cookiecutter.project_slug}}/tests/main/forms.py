"""What the tests need to post the pages' forms."""

import re

# The hidden field Flask-WTF renders into every form.
CSRF_TOKEN_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token_in(page: str) -> str:
    """The CSRF token a rendered form carries."""
    match = CSRF_TOKEN_FIELD.search(page)
    assert match, f"the page has no CSRF token field:\n{page}"
    return match.group(1)
