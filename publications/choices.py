"""The publications' fixed choices, apart from the models so that citations, filters and the
reader's page can name them without importing the page models (which use those modules)."""

from django.db import models


class PublicationType(models.TextChoices):
    RESEARCH_PAPER = "research_paper", "Research paper"
    WORKING_PAPER = "working_paper", "Working paper"
    POLICY_BRIEF = "policy_brief", "Policy brief"
    REPORT = "report", "Report"
    BOOK_CHAPTER = "book_chapter", "Book chapter"


class ExtractionStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be read"
    RUNNING = "running", "Being read"
    DONE = "done", "Text extracted"
    FAILED = "failed", "Could not be read"
