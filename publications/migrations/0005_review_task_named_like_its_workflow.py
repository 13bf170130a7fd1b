"""Name the review task like its workflow, so editors and researchers see one name for one process."""

from django.db import migrations

REVIEW_WORKFLOW = "Publication review"
OLD_TASK_NAME = "Editorial review"


def rename(apps, schema_editor, old: str, new: str) -> None:
    Task = apps.get_model("wagtailcore", "Task")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    task_ids = WorkflowTask.objects.filter(workflow__name=REVIEW_WORKFLOW).values_list("task_id", flat=True)
    Task.objects.filter(pk__in=list(task_ids), name=old).update(name=new)


def forwards(apps, schema_editor) -> None:
    rename(apps, schema_editor, OLD_TASK_NAME, REVIEW_WORKFLOW)


def backwards(apps, schema_editor) -> None:
    rename(apps, schema_editor, REVIEW_WORKFLOW, OLD_TASK_NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0004_keywords_label"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
