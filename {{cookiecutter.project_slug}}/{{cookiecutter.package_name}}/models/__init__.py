"""Every model, imported here so that the metadata (and Alembic) sees all tables."""

from .base import Base
from .user import User

__all__ = ["Base", "User"]
