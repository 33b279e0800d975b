"""Checks the simulated tenant with Visier's official Python SDK.

Usage: python_sdk_check.py http://127.0.0.1:PORT [VSYNC_BINARY]

With the vsync binary, it also runs `vsync sync` of 300 memberships in 5 new groups and 20
direct permission assignments against the tenant, then reads the result back with the SDK,
without ProjectID: one new production version, no open project, every change in production;
a second sync publishes none.

Exits non-zero, naming the step, when the SDK cannot do what it does against a real tenant.
"""

import os
import subprocess
import sys
import tempfile

import visier_platform_sdk as sdk
from visier_platform_sdk.api.permissions_api import PermissionsApi
from visier_platform_sdk.api.production_versions_api import ProductionVersionsApi
from visier_platform_sdk.api.profiles_api import ProfilesApi
from visier_platform_sdk.api.projects_api import ProjectsApi
from visier_platform_sdk.api.tenants_v2_api import TenantsV2Api
from visier_platform_sdk.api.user_groups_v2_api import UserGroupsV2Api
from visier_platform_sdk.api.users_v1_api import UsersV1Api
from visier_platform_sdk.api.users_v2_api import UsersV2Api
from visier_platform_sdk.models import (
    AssignRevokePermissionRequestDTO,
    AssignRevokePermissionsRequestDTO,
    LocalTenantProfileAssignmentRequestDTO,
    ProjectDTO,
    ProjectOperationRequestDTO,
    UserCreationAPIRequestDTO,
    UserGroupChangeDefinitionDTO,
    UserGroupsChangeDTO,
    UsersCreationAPIRequestDTO,
    UsersDeleteAPIRequestDTO,
    UsersUpdateAPIRequestDTO,
    UsersUpdateAPIUserDTO,
    UsersToUserGroupRequestDTO,
    UsersToUserGroupsRequestDTO,
)

PAGE = 1000
passed = 0
failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok: {name}")
    else:
        failed += 1
        print(f"FAILED: {name} {detail}")


def list_all(users_api):
    users, start, calls = [], 0, 0
    while True:
        page = users_api.get_all_users(limit=PAGE, start=start, assigned_user_groups=True)
        calls += 1
        batch = page.users or []
        users.extend(batch)
        if len(batch) < PAGE:
            return users, calls
        start += PAGE


def run(config, label):
    with sdk.ApiClient(config) as client:
        users_api = UsersV1Api(client)
        users, calls = list_all(users_api)
        check(f"{label}: paged listing returns every seeded user", len(users) >= 1500, f"got {len(users)}")
        check(f"{label}: paged listing takes two calls for 1500+ users", calls == 2, f"took {calls}")
        check(f"{label}: accountEnabled decodes as a boolean", all(isinstance(u.account_enabled, bool) for u in users))
        return client


def groups_and_grants(client, user_id):
    """User groups (v2 create and list, v1 membership), permissions and profiles: every answer
    is parsed by the SDK's strict models, so a field of the wrong type or name fails here."""
    groups_v2 = UserGroupsV2Api(client)
    created = groups_v2.create_user_groups(
        UserGroupsChangeDTO(
            user_groups=[
                UserGroupChangeDefinitionDTO(
                    display_name="SDK Check Group",
                    description="made by the SDK check",
                    correlation_id="sdk-check-1",
                )
            ]
        )
    )
    group_successes = created.successes or []
    check("groups v2: create succeeds", len(group_successes) == 1, f"got {created}")
    if not group_successes:
        return
    group_id = group_successes[0].user_group_id
    listed = groups_v2.get_user_groups(limit=1000)
    check(
        "groups v2: the new group is listed",
        any(g.user_group_id == group_id for g in (listed.user_groups or [])),
    )

    users_v1 = UsersV1Api(client)
    users_v1.add_users_to_user_group(
        UsersToUserGroupsRequestDTO(
            user_groups=[UsersToUserGroupRequestDTO(user_group_id=group_id, user_ids=[user_id])]
        )
    )
    members = users_v1.get_user_group_users(group_id)
    member_ids = [
        u.user_id for t in (members.tenants or []) for u in (t.users or [])
    ]
    check("groups v1: the user added is a member", user_id in member_ids, f"got {member_ids}")

    permissions = PermissionsApi(client).get_permissions().permissions or []
    check("permissions: the catalog lists permissions", len(permissions) > 0)
    if permissions:
        permission_id = permissions[0].permission_id
        users_v1.assign_permissions(
            AssignRevokePermissionsRequestDTO(
                permissions=[
                    AssignRevokePermissionRequestDTO(permission_id=permission_id, user_ids=[user_id])
                ]
            )
        )
        assigned = users_v1.get_permission_assigned_users(permission_id, limit=100)
        assigned_ids = [u.user_id for t in (assigned.tenants or []) for u in (t.users or [])]
        check("permissions: the user assigned is listed", user_id in assigned_ids)

    profiles_api = ProfilesApi(client)
    profiles = profiles_api.get_all_profiles().profiles or []
    check("profiles: the catalog lists profiles", len(profiles) > 0)
    if profiles:
        profile_id = profiles[0].profile_id
        profiles_api.assign_profile(
            profile_id, LocalTenantProfileAssignmentRequestDTO(target_user_ids=[user_id])
        )
        mine = profiles_api.get_user_profile(user_id).assigned_profiles or []
        check(
            "profiles: the profile assigned is the user's",
            any(p.profile_id == profile_id for p in mine),
            f"got {mine}",
        )


def group_members(users_v1, group_id, project_id=None):
    members, start = [], 0
    while True:
        page = users_v1.get_user_group_users(group_id, project_id=project_id, limit=100, start=start)
        batch = [u.user_id for t in (page.tenants or []) for u in (t.users or [])]
        members.extend(batch)
        if len(batch) < 100:
            return members
        start += 100


def projects_and_versions(client, user_id):
    """The analytic tenants; a draft project created, listed, read, changed and published as one
    production version; a second project deleted; production versions listed."""
    tenants = TenantsV2Api(client).list_tenants(mask="tenantCode,tenantDisplayName,status")
    codes = [t.tenant_code for t in (tenants.tenants or [])]
    check("tenants v2: the analytic tenants are listed", len(codes) >= 1 and all("~" in c for c in codes), f"got {codes}")
    full = TenantsV2Api(client).list_tenants().tenants or []
    check("tenants v2: every field of a tenant parses", len(full) == len(codes) and all(t.traits for t in full))

    versions_api = ProductionVersionsApi(client)
    before = versions_api.get_production_versions().published_versions or []

    projects = ProjectsApi(client)
    project = projects.create_project(
        ProjectDTO(name="SDK check project", description="made by the SDK check", ticket_number="SDK-1")
    )
    check("projects: create answers the new project's id", bool(project.id), f"got {project}")
    if not project.id:
        return
    listed = projects.get_projects(var_with=["Open"]).open_projects or []
    check("projects: the new project is listed as open", any(p.id == project.id for p in listed))
    shown = projects.get_project(project.id)
    check("projects: get shows the project", shown.name == "SDK check project" and shown.ticket_number == "SDK-1")

    groups_v2 = UserGroupsV2Api(client)
    made = groups_v2.create_user_groups(
        UserGroupsChangeDTO(user_groups=[UserGroupChangeDefinitionDTO(display_name="SDK Project Group")]),
        project_id=project.id,
    )
    group_id = (made.successes or [None])[0]
    group_id = group_id.user_group_id if group_id else None
    check("projects: a group is created inside the project", bool(group_id), f"got {made}")
    if group_id:
        users_v1 = UsersV1Api(client)
        users_v1.add_users_to_user_group(
            UsersToUserGroupsRequestDTO(
                user_groups=[UsersToUserGroupRequestDTO(user_group_id=group_id, user_ids=[user_id])]
            ),
            project_id=project.id,
        )
        check("projects: a read in the project sees its change", user_id in group_members(users_v1, group_id, project.id))
        in_production = groups_v2.get_user_groups(limit=1000).user_groups or []
        check("projects: production does not see it before publishing", all(g.user_group_id != group_id for g in in_production))

    published = projects.run_project_operation(project.id, ProjectOperationRequestDTO(operation="commitAndPublish"))
    version = published.commit_and_publish.published_version if published.commit_and_publish else None
    check("projects: commitAndPublish answers the published version", bool(version) and version.id == project.id, f"got {published}")
    after = versions_api.get_production_versions().published_versions or []
    check("production versions: publishing made exactly one", len(after) == len(before) + 1, f"{len(before)} then {len(after)}")
    check("production versions: the latest is the project", bool(after) and after[0].id == project.id)
    if group_id:
        check("projects: after publishing, production sees the change", user_id in group_members(UsersV1Api(client), group_id))
    still_open = projects.get_projects().open_projects or []
    check("projects: the published project is no longer open", all(p.id != project.id for p in still_open))

    doomed = projects.create_project(ProjectDTO(name="SDK check discarded"))
    deleted = projects.delete_project(doomed.id)
    check("projects: delete answers the project", deleted.id == doomed.id)
    remaining = projects.get_projects().open_projects or []
    check("projects: the deleted project is gone", all(p.id != doomed.id for p in remaining))
    final = versions_api.get_production_versions().published_versions or []
    check("production versions: deleting publishes nothing", len(final) == len(after))


def update_report_delete(client, user_id):
    """A v2 bulk update, a v1 user detail, an XLSX report, a v2 bulk delete."""
    users_v2 = UsersV2Api(client)
    users_v1 = UsersV1Api(client)
    updated = users_v2.update_users(
        UsersUpdateAPIRequestDTO(
            users=[UsersUpdateAPIUserDTO(user_id=user_id, display_name="SDK Check Renamed")]
        )
    )
    check("bulk update: one success", len(updated.successes or []) == 1, f"got {updated}")
    detail = users_v1.get_user_detail(user_id)
    check("user detail: shows the update", detail.display_name == "SDK Check Renamed")
    workbook = users_v1.get_all_permissions_xlsx()
    check("report: the permissions report is an XLSX file", bytes(workbook[:4]) == b"PK\x03\x04")
    deleted = users_v2.delete_users(UsersDeleteAPIRequestDTO(user_ids=[user_id]))
    check("bulk delete: one success", len(deleted.successes or []) == 1, f"got {deleted}")
    remaining, _ = list_all(users_v1)
    check("bulk delete: the user is gone", all(u.user_id != user_id for u in remaining))


SYNC_USERS = 300
SYNC_GROUPS = 5
SYNC_GRANTS = 20


def vsync_sync(vsync, host, workdir):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "VISIER_HOST": host,
        "VISIER_APIKEY": "dev-apikey",
        "VISIER_USERNAME": "admin",
        "VISIER_PASSWORD": "admin",
        "VSYNC_STATE_DIR": os.path.join(workdir, "state"),
    }
    command = [vsync, "--color", "never", "-q", "sync", "--input", "input", "--mode", "upsert", "--ticket", "SDK-SYNC"]
    return subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=300)


def one_version_per_sync(client, host, vsync):
    """`vsync sync` makes its versioned changes in a draft project and publishes it once; read
    back with the SDK, without ProjectID."""
    permissions = PermissionsApi(client).get_permissions().permissions or []
    permission = permissions[1]
    versions_api = ProductionVersionsApi(client)
    before = versions_api.get_production_versions().published_versions or []
    with tempfile.TemporaryDirectory() as workdir:
        folder = os.path.join(workdir, "input")
        os.makedirs(folder)
        with open(os.path.join(folder, "users.csv"), "w") as f:
            f.write("username,displayName,employeeId,userGroups,permissions\n")
            for i in range(SYNC_USERS):
                grant = permission.display_name if i < SYNC_GRANTS else ""
                f.write(f"sdk.sync.{i}@example.com,Sync {i},SYNC{i:05},SDK Sync Team {i % SYNC_GROUPS},{grant}\n")
        with open(os.path.join(folder, "user_groups.csv"), "w") as f:
            f.write("displayName,description\n")
            for g in range(SYNC_GROUPS):
                f.write(f"SDK Sync Team {g},made by vsync sync\n")

        first = vsync_sync(vsync, host, workdir)
        check("vsync sync: exits 0", first.returncode == 0, f"exit {first.returncode}: {first.stdout}{first.stderr}")
        after = versions_api.get_production_versions().published_versions or []
        check("vsync sync: exactly one new production version", len(after) == len(before) + 1, f"{len(before)} then {len(after)}")
        if after:
            check("vsync sync: the version is vsync's project", (after[0].name or "").startswith("vsync sync ") and after[0].ticket_number == "SDK-SYNC", f"got {after[0]}")
        still_open = ProjectsApi(client).get_projects().open_projects or []
        check("vsync sync: no project is left open", not still_open, f"got {still_open}")

        groups = UserGroupsV2Api(client).get_user_groups(limit=1000).user_groups or []
        teams = [g for g in groups if (g.display_name or "").startswith("SDK Sync Team")]
        check("vsync sync: the 5 groups are in production", len(teams) == SYNC_GROUPS, f"got {len(teams)}")
        users_v1 = UsersV1Api(client)
        sizes = [len(group_members(users_v1, g.user_group_id)) for g in teams]
        check("vsync sync: the 300 memberships are in production", sum(sizes) == SYNC_USERS, f"got {sizes}")
        names, start = set(), 0
        while True:
            page = users_v1.get_permission_assigned_users(permission.permission_id, limit=100, start=start)
            batch = [u.username for t in (page.tenants or []) for u in (t.users or [])]
            names.update(batch)
            if len(batch) < 100:
                break
            start += 100
        granted = [n for n in names if (n or "").startswith("sdk.sync.")]
        check("vsync sync: the 20 permission assignments are in production", len(granted) == SYNC_GRANTS, f"got {len(granted)}")

        second = vsync_sync(vsync, host, workdir)
        check("vsync sync again: exits 0", second.returncode == 0, f"exit {second.returncode}: {second.stdout}{second.stderr}")
        final = versions_api.get_production_versions().published_versions or []
        check("vsync sync again: no new production version", len(final) == len(after), f"{len(after)} then {len(final)}")
        print(f"vsync sync: {SYNC_USERS} memberships in {SYNC_GROUPS} new groups and {SYNC_GRANTS} permissions published as {len(after) - len(before)} production version; the second sync published {len(final) - len(after)}")


def main():
    host = sys.argv[1]
    vsync = sys.argv[2] if len(sys.argv) > 2 else None
    asid = sdk.Configuration(host=host, api_key="dev-apikey", username="admin", password="admin")
    run(asid, "asid")

    oauth = sdk.Configuration(
        host=host,
        api_key="dev-apikey",
        username="admin",
        password="admin",
        client_id="vsync-demo",
        client_secret="vsync-demo-secret",
    )
    run(oauth, "oauth2")

    with sdk.ApiClient(asid) as client:
        users_v2 = UsersV2Api(client)
        request = UsersCreationAPIRequestDTO(
            users=[
                UserCreationAPIRequestDTO(
                    username="sdk.check.one@example.com",
                    display_name="SDK Check One",
                    employee_id="SDK-0001",
                    account_enabled="true",
                    email="sdk.check.one@example.com",
                ),
                UserCreationAPIRequestDTO(display_name="No Username", account_enabled="true"),
            ]
        )
        result = users_v2.add_users(request)
        successes = result.successes or []
        failures = result.failures or []
        check("bulk add: one success", len(successes) == 1, f"got {len(successes)}")
        check("bulk add: one failure", len(failures) == 1, f"got {len(failures)}")
        if failures:
            error = failures[0].error
            check("bulk add: the failure carries a message and an rci", bool(error and error.message and error.rci))
        if successes:
            check("bulk add: accountEnabled is the string 'true'", successes[0].account_enabled == "true")

        again, _ = list_all(UsersV1Api(client))
        check(
            "bulk add: the new user is listed",
            any(u.username == "sdk.check.one@example.com" for u in again),
        )
        if vsync:
            one_version_per_sync(client, host, vsync)
        new_user = successes[0].user_id if successes else None
        if new_user:
            groups_and_grants(client, new_user)
            projects_and_versions(client, new_user)
            update_report_delete(client, new_user)

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
