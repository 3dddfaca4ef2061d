"""The users feature: field rules, creating users, listing them."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.users import (
    DuplicateUserError,
    clean_email,
    clean_username,
    create_user,
    users_page,
)


@pytest.mark.parametrize(
    ("given", "stored"),
    [("alice", "alice"), ("  alice  ", "alice"), ("Zoë 🚀", "Zoë 🚀"), ("<b>x</b>", "<b>x</b>")],
)
def test_usernames_are_trimmed_and_otherwise_kept(given, stored):
    assert clean_username(given) == stored


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("", "blank"),
        ("   ", "blank"),
        ("x" * 81, "at most 80"),
        ("a\x00b", "control"),
        ("a\tb", "control"),
    ],
)
def test_bad_usernames_say_what_is_wrong(given, problem):
    with pytest.raises(ValueError, match=problem):
        clean_username(given)


@pytest.mark.parametrize(
    ("given", "stored"),
    [("Alice@Example.COM", "alice@example.com"), (" bob@example.org ", "bob@example.org")],
)
def test_emails_are_normalised_to_one_spelling(given, stored):
    assert clean_email(given) == stored


@pytest.mark.parametrize("given", ["", "alice", "alice@", "@example.com", "a b@example.com"])
def test_bad_emails_are_refused(given):
    with pytest.raises(ValueError, match="Not a valid email address"):
        clean_email(given)


def longest_email(extra: int = 0) -> str:
    """A valid address of 254 characters (+ extra), the most the column and RFC 5321 allow."""
    labels = ["b" * 63, "c" * 63, "d" * (57 + extra), "com"]
    return "a" * 64 + "@" + ".".join(labels)


def test_an_email_of_the_maximum_length_is_stored(app):
    assert len(longest_email()) == 254
    with app.app_context():
        assert create_user("longest", longest_email()).email == longest_email()
    with pytest.raises(ValueError, match="at most 254 characters"):
        clean_email(longest_email(extra=1))


def test_create_user_reports_which_field_is_taken_and_recovers(app):
    with app.app_context():
        create_user("alice", "alice@example.com")
        with pytest.raises(DuplicateUserError) as duplicate:
            create_user("bob", "ALICE@example.com")
        assert duplicate.value.field == "email"
        # The session is usable again after the refusal.
        assert create_user("bob", "bob@example.com").id


def test_users_page_counts_and_orders(app):
    with app.app_context():
        for name in ("a", "b", "c"):
            create_user(name, f"{name}@example.com")
        oldest = users_page(1, 2)
        newest = users_page(1, 2, newest_first=True)
        last = users_page(2, 2)
    assert [user.username for user in oldest.items] == ["a", "b"]
    assert [user.username for user in newest.items] == ["c", "b"]
    assert (oldest.total, oldest.pages, oldest.has_prev, oldest.has_next) == (3, 2, False, True)
    assert ([user.username for user in last.items], last.has_next) == (["c"], False)
