//! Who a container's processes run as: `docker run -u`, the image's `USER`, and what that means
//! for files on a bind mount.
//!
//! Real Docker: a container runs as root (uid 0) unless the image says `USER` or the run says
//! `-u/--user NAME|UID[:GID]`. A name is looked up in the image's `/etc/passwd` (`unable to find
//! user bob: no matching entries in passwd file`); a number needs no entry. Files a container
//! writes on a bind mount belong to that uid on the host, because the host and the container
//! share one kernel and its numbers: root's files in the learner's folder, which the learner
//! (uid 1000) then cannot edit (`Permission denied`) without `sudo`.
//!
//! What we model: root, numeric uids and gids, the users the course images define (`node` 1000,
//! `postgres` 999, `redis` 999, `nginx` 101, `www-data` 33, `nobody` 65534). What we simplify:
//! every image knows all of those names; the unknown-user error comes at create, not at start.

/// The host's learner, who owns the project folder.
pub const LEARNER_UID: u32 = 1000;

/// A resolved user: uid, gid and the name `id` prints (if the image knows it).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct User {
    pub uid: u32,
    pub gid: u32,
    pub name: Option<String>,
}

const KNOWN: &[(&str, u32, u32)] = &[
    ("root", 0, 0),
    ("node", 1000, 1000),
    ("postgres", 999, 999),
    ("redis", 999, 999),
    ("nginx", 101, 101),
    ("www-data", 33, 33),
    ("nobody", 65534, 65534),
];

fn name_of(uid: u32) -> Option<String> {
    KNOWN
        .iter()
        .find(|(_, u, _)| *u == uid)
        .map(|(n, _, _)| n.to_string())
}

/// A user in an image whose own `USER` is `image_user`: that name is in its passwd file too
/// (an account the image made, given uid 999 here when it is not one of the known ones).
pub fn resolve_in(user: &str, image_user: &str) -> Result<User, String> {
    let image_name = image_user.split(':').next().unwrap_or("");
    let who = user.split(':').next().unwrap_or("");
    if !who.is_empty()
        && who == image_name
        && who.parse::<u32>().is_err()
        && !KNOWN.iter().any(|(n, _, _)| *n == who)
    {
        return Ok(User {
            uid: 999,
            gid: 999,
            name: Some(who.to_string()),
        });
    }
    resolve(user)
}

/// `""` (root), `NAME`, `UID`, `NAME:GROUP` or `UID:GID`.
pub fn resolve(user: &str) -> Result<User, String> {
    let (who, group) = match user.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (user, None),
    };
    let (uid, default_gid) = if who.is_empty() {
        (0, 0)
    } else if let Ok(n) = who.parse::<u32>() {
        // A bare number needs no passwd entry; its group is root's unless one is given.
        (n, KNOWN.iter().find(|(_, u, _)| *u == n).map_or(0, |k| k.2))
    } else {
        match KNOWN.iter().find(|(n, _, _)| *n == who) {
            Some((_, u, g)) => (*u, *g),
            None => {
                return Err(format!(
                    "unable to find user {who}: no matching entries in passwd file"
                ));
            }
        }
    };
    let gid = match group {
        None => default_gid,
        Some(g) => match g.parse::<u32>() {
            Ok(n) => n,
            Err(_) => KNOWN
                .iter()
                .find(|(n, _, _)| *n == g)
                .map(|k| k.2)
                .ok_or_else(|| {
                    format!("unable to find group {g}: no matching entries in group file")
                })?,
        },
    };
    Ok(User {
        uid,
        gid,
        name: name_of(uid),
    })
}

/// `id`'s line: `uid=0(root) gid=0(root) groups=0(root)`.
pub fn id_line(user: &User) -> String {
    let named = |n: u32| {
        let name = if n == user.uid {
            user.name.clone().or_else(|| name_of(n))
        } else {
            name_of(n)
        };
        match name {
            Some(name) => format!("{n}({name})"),
            None => n.to_string(),
        }
    };
    format!(
        "uid={} gid={} groups={}",
        named(user.uid),
        named(user.gid),
        named(user.gid)
    )
}

/// How the host's `ls -l` names an owner: the host's own users (root, learner), else the number.
pub fn host_owner(uid: u32) -> String {
    match uid {
        0 => "root".to_string(),
        LEARNER_UID => "learner".to_string(),
        n => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_resolve_as_docker_does() {
        assert_eq!(resolve("").unwrap().uid, 0);
        assert_eq!(resolve("1000:1000").unwrap().gid, 1000);
        assert_eq!(resolve("node").unwrap().uid, 1000);
        assert_eq!(resolve("1234").unwrap().gid, 0);
        assert_eq!(
            resolve("bob").unwrap_err(),
            "unable to find user bob: no matching entries in passwd file"
        );
        assert_eq!(
            id_line(&resolve("").unwrap()),
            "uid=0(root) gid=0(root) groups=0(root)"
        );
        assert_eq!(
            id_line(&resolve("1234").unwrap()),
            "uid=1234 gid=0(root) groups=0(root)"
        );
    }
}
