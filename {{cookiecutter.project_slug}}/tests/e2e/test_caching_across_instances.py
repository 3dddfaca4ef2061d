"""Two instances of the app share one cache: a write through one clears the list the other
has cached."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import User

from .client import CREATED, listed_usernames, new_client

pytestmark = [pytest.mark.e2e, pytest.mark.multi_instance]


def test_a_write_through_one_instance_clears_the_cache_the_other_reads(one_and_other, redis_app):
    one, other = one_and_other
    assert listed_usernames(one) == set()
    # Behind the cache's back: the cached (empty) list must still be what `one` serves.
    with redis_app.app_context():
        db.session.execute(sa.insert(User).values(username="user-a", email="user-a@x.org"))
        db.session.commit()
    assert listed_usernames(one) == set()
    write = new_client(other)
    assert write(other, {"username": "user-b", "email": "b@x.org"}).status == CREATED
    assert listed_usernames(one) == {"user-a", "user-b"}
