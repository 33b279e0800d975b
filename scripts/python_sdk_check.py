"""Checks the simulated tenant with Visier's official Python SDK.

Usage: python_sdk_check.py http://127.0.0.1:PORT

Exits non-zero, naming the step, when the SDK cannot do what it does against a real tenant.
"""

import sys

import visier_platform_sdk as sdk
from visier_platform_sdk.api.users_v1_api import UsersV1Api
from visier_platform_sdk.api.users_v2_api import UsersV2Api
from visier_platform_sdk.models import UsersCreationAPIRequestDTO, UserCreationAPIRequestDTO

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


def main():
    host = sys.argv[1]
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

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
