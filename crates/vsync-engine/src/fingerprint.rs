//! [`fingerprint`]: a digest of a live state, so that an apply can refuse a stale plan.

use vsync_model::{LiveState, LiveUser};

/// BLAKE3 (lower-case hex) of everything in `live` that Visier reports: users, groups,
/// permission and profile catalogs, and the tenant. (A cryptographic hash, so a changed tenant
/// cannot pass for the one a plan was made against by chance; BLAKE3 because a million users
/// are about 100 MB to hash, which SHA-256 without hardware support takes a second for.)
///
/// The digest does not depend on the order the API listed things in (users, groups and
/// catalogs are taken sorted by ID; relation sets are sorted already), so re-fetching an
/// unchanged tenant gives the same fingerprint. [`LiveUser::disabled_since_ms`] is left out: it
/// comes from vsync's journal, not from the tenant.
///
/// [`LiveUser::disabled_since_ms`]: vsync_model::LiveUser::disabled_since_ms
pub fn fingerprint(live: &LiveState) -> String {
    fingerprint_visiting(live, |_| {})
}

/// [`fingerprint`], calling `visit` with each user on the way (in ID order), so that a caller
/// that needs another pass over the users gets it while they are in cache.
pub(crate) fn fingerprint_visiting(live: &LiveState, mut visit: impl FnMut(&LiveUser)) -> String {
    let mut hasher = blake3::Hasher::new();
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 16);
    buf.extend_from_slice(b"vsync-live-v2\x1e");
    put_opt(
        &mut buf,
        live.tenant.as_ref().map(vsync_model::TenantCode::as_str),
    );

    put_len(&mut buf, live.users.len());
    for user in by_id(&live.users, |u| u.id.as_str()) {
        visit(user);
        put(&mut buf, user.id.as_str());
        put(&mut buf, &user.username);
        put_opt(&mut buf, user.display_name.as_deref());
        put_opt(&mut buf, user.employee_id.as_deref());
        put_opt(&mut buf, user.email.as_deref());
        buf.push(u8::from(user.account_enabled));
        put_len(&mut buf, user.groups.len());
        user.groups.iter().for_each(|id| put(&mut buf, id.as_str()));
        put_len(&mut buf, user.permissions.len());
        user.permissions
            .iter()
            .for_each(|id| put(&mut buf, id.as_str()));
        put_len(&mut buf, user.profiles.len());
        user.profiles
            .iter()
            .for_each(|id| put(&mut buf, id.as_str()));
        flush(&mut hasher, &mut buf);
    }

    let mut groups: Vec<_> = live.groups.iter().collect();
    groups.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    put_len(&mut buf, groups.len());
    for group in groups {
        put(&mut buf, group.id.as_str());
        put(&mut buf, &group.name);
        put_opt(&mut buf, group.description.as_deref());
        buf.push(u8::from(group.dynamic));
        put_len(&mut buf, group.permissions.len());
        group
            .permissions
            .iter()
            .for_each(|id| put(&mut buf, id.as_str()));
        flush(&mut hasher, &mut buf);
    }

    let mut permissions: Vec<_> = live.permissions.iter().collect();
    permissions.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    put_len(&mut buf, permissions.len());
    for permission in permissions {
        put(&mut buf, permission.id.as_str());
        put(&mut buf, &permission.name);
        put_opt(&mut buf, permission.description.as_deref());
    }
    let mut profiles: Vec<_> = live.profiles.iter().collect();
    profiles.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    put_len(&mut buf, profiles.len());
    for profile in profiles {
        put(&mut buf, profile.id.as_str());
        put(&mut buf, &profile.name);
    }
    hasher.update(&buf);
    hasher.finalize().to_hex().to_string()
}

/// `items` in the byte order of their IDs.
///
/// Sorting a million references by a string behind each pointer is mostly cache misses, so
/// this sorts `(first eight bytes, index)` pairs instead and compares whole IDs only when the
/// first eight bytes tie. Padding short IDs with zero bytes keeps the order exactly the byte
/// order of the IDs.
fn by_id<T>(items: &[T], id: impl Fn(&T) -> &str) -> impl Iterator<Item = &T> {
    let prefix = |text: &str| {
        let mut head = [0u8; 8];
        let n = text.len().min(8);
        head[..n].copy_from_slice(&text.as_bytes()[..n]);
        u64::from_be_bytes(head)
    };
    let mut order: Vec<(u64, u32)> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (prefix(id(item)), i as u32))
        .collect();
    order.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| id(&items[a.1 as usize]).cmp(id(&items[b.1 as usize])))
    });
    order.into_iter().map(move |(_, i)| &items[i as usize])
}

fn flush(hasher: &mut blake3::Hasher, buf: &mut Vec<u8>) {
    if buf.len() >= 1 << 15 {
        hasher.update(&buf[..]);
        buf.clear();
    }
}

/// Length-prefixed, so that no two different states write the same bytes.
fn put(buf: &mut Vec<u8>, text: &str) {
    put_len(buf, text.len());
    buf.extend_from_slice(text.as_bytes());
}

fn put_opt(buf: &mut Vec<u8>, text: Option<&str>) {
    match text {
        None => buf.push(0),
        Some(text) => {
            buf.push(1);
            put(buf, text);
        }
    }
}

/// LEB128: one byte for the short lengths that are the rule.
fn put_len(buf: &mut Vec<u8>, len: usize) {
    let mut rest = len as u64;
    while rest >= 0x80 {
        buf.push((rest as u8) | 0x80);
        rest >>= 7;
    }
    buf.push(rest as u8);
}

#[cfg(test)]
mod tests {
    use vsync_model::UserId;

    use super::*;

    fn user(id: &str, name: &str) -> LiveUser {
        LiveUser {
            id: UserId::new(id),
            username: name.into(),
            account_enabled: true,
            ..LiveUser::default()
        }
    }

    #[test]
    fn ids_are_taken_in_byte_order() {
        let ids = [
            "u10",
            "u1",
            "",
            "u2",
            "longer-than-eight-b",
            "longer-than-eight-a",
            "u1\0",
        ];
        let mut expected = ids.to_vec();
        expected.sort_unstable();
        let got: Vec<&str> = by_id(&ids, |s| s).copied().collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn fingerprint_ignores_listing_order() {
        let a = LiveState {
            users: vec![user("1", "a"), user("2", "b")],
            ..LiveState::default()
        };
        let b = LiveState {
            users: vec![user("2", "b"), user("1", "a")],
            ..LiveState::default()
        };
        assert_eq!(fingerprint(&a), fingerprint(&b));
    }

    #[test]
    fn fingerprint_sees_any_field_change() {
        let a = LiveState {
            users: vec![user("1", "a")],
            ..LiveState::default()
        };
        let mut b = a.clone();
        b.users[0].display_name = Some(String::new());
        assert_ne!(fingerprint(&a), fingerprint(&b));
        let mut c = a.clone();
        c.users[0].account_enabled = false;
        assert_ne!(fingerprint(&a), fingerprint(&c));
    }

    #[test]
    fn fingerprint_ignores_group_order_and_sees_relation_changes() {
        let group = |id: &str| vsync_model::LiveGroup {
            id: vsync_model::UserGroupId::new(id),
            name: format!("Team {id}"),
            ..vsync_model::LiveGroup::default()
        };
        let mut member = user("1", "a");
        member.groups.insert(vsync_model::UserGroupId::new("g1"));
        let a = LiveState {
            users: vec![member, user("2", "b")],
            groups: vec![group("g1"), group("g2")],
            ..LiveState::default()
        };
        let mut b = a.clone();
        b.groups.reverse();
        b.users.reverse();
        assert_eq!(fingerprint(&a), fingerprint(&b));
        let mut c = a.clone();
        c.users[1]
            .groups
            .insert(vsync_model::UserGroupId::new("g2"));
        assert_ne!(fingerprint(&a), fingerprint(&c));
        let mut d = a.clone();
        d.users[0].email = Some("a@example.com".into());
        assert_ne!(fingerprint(&a), fingerprint(&d));
    }

    #[test]
    fn fingerprint_skips_the_journal_only_field() {
        let a = LiveState {
            users: vec![user("1", "a")],
            ..LiveState::default()
        };
        let mut b = a.clone();
        b.users[0].disabled_since_ms = Some(5);
        assert_eq!(fingerprint(&a), fingerprint(&b));
    }
}
