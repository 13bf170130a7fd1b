"""Researchers write, Editors review and publish: the groups, their permissions and the
"Publication review" workflow (one Editors approval task).

Page permissions and the workflow assignment belong to each publications index; they are set
here for indexes that already exist and by publications.services.configure_publication_index
when a new index is created.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RESEARCHERS = "Researchers"
EDITORS = "Editors"
REVIEW_WORKFLOW = "Publication review"
REVIEW_TASK = "Editorial review"

MODEL_PERMISSIONS = {
    RESEARCHERS: [
        ("wagtailadmin", "admin", "access_admin"),
        ("publications", "author", "add_author"),
        ("publications", "author", "change_author"),
        ("publications", "author", "view_author"),
        ("themes", "country", "view_country"),
        ("themes", "theme", "view_theme"),
        ("themes", "gcmobjective", "view_gcmobjective"),
        ("salam", "partnerinstitute", "view_partnerinstitute"),
    ],
    EDITORS: [
        ("wagtailadmin", "admin", "access_admin"),
        ("publications", "author", "add_author"),
        ("publications", "author", "change_author"),
        ("publications", "author", "delete_author"),
        ("publications", "author", "view_author"),
        ("themes", "country", "view_country"),
        ("themes", "theme", "view_theme"),
        ("themes", "gcmobjective", "view_gcmobjective"),
        ("salam", "partnerinstitute", "view_partnerinstitute"),
    ],
}
COLLECTION_PERMISSIONS = {
    RESEARCHERS: [("wagtaildocs", "document", "add_document"), ("wagtaildocs", "document", "choose_document")],
}
INDEX_PERMISSIONS = {
    RESEARCHERS: ["add_page"],
    EDITORS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}


def _permission(apps, app_label, model, codename):
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission = Permission.objects.filter(content_type=content_type, codename=codename).first()
    if permission is None:
        # Permissions of models are normally made after all migrations; make the ones we need now.
        permission = Permission.objects.create(
            content_type=content_type, codename=codename, name=codename.replace("_", " ").capitalize()
        )
    return permission


def set_up_review(apps, schema_editor):
    for label in ("publications", "themes", "salam", "wagtailcore", "wagtaildocs"):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    PublicationIndexPage = apps.get_model("publications", "PublicationIndexPage")

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in (RESEARCHERS, EDITORS)}
    for name, triples in MODEL_PERMISSIONS.items():
        groups[name].permissions.add(*[_permission(apps, *triple) for triple in triples])
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection is not None:
        for name, triples in COLLECTION_PERMISSIONS.items():
            for triple in triples:
                GroupCollectionPermission.objects.get_or_create(
                    group=groups[name], collection=root_collection, permission=_permission(apps, *triple)
                )

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.filter(name=REVIEW_TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK, content_type=task_type, active=True)
    task.groups.add(groups[EDITORS])
    workflow, _ = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})

    for index in PublicationIndexPage.objects.all():
        for name, codenames in INDEX_PERMISSIONS.items():
            for codename in codenames:
                GroupPagePermission.objects.get_or_create(
                    group=groups[name], page_id=index.pk, permission=_permission(apps, "wagtailcore", "page", codename)
                )
        WorkflowPage.objects.update_or_create(page_id=index.pk, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailcore", "0098_apitoken"),
        ("themes", "0003_tag_suggestions_and_decisions"),
        ("salam", "0002_home_page_and_partners"),
    ]
    operations = [migrations.RunPython(set_up_review, migrations.RunPython.noop)]
