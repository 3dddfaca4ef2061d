"""Every model, imported here so that the metadata (and Alembic) sees all tables."""

from .base import Base
from .user import DuplicateUserError, User, create_user

__all__ = ["Base", "DuplicateUserError", "User", "create_user"]
