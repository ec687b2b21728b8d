//! Learners in Moodle: matched by email, created when missing, never guessed.
//!
//! `core_user_get_users_by_field` is case-sensitive on a PostgreSQL Moodle while
//! `core_user_create_users` refuses an address that exists in another letter case (and fails
//! the whole batch), so: batch look-up first, batch creation next, and only for the users of
//! a failed creation batch a case-insensitive look-up and a creation one by one.

use crate::config::UsernamePolicy;
use crate::job_error::{JobError, MoodleStep, SiteCondition};
use crate::site::Site;
use mm_core::{Email, LearnerProfile};
use mm_moodle::{MoodleError, NewUser, User, UserField, UserUpdate};
use mm_store::{KnownAccount, MoodleIdnumber, MoodleUserId, Store};
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub enum UserResolution {
    Found(i64),
    /// No account exists (only answered when we were not asked to create one).
    Absent,
    Failed(JobError),
}

/// Finds or creates the Moodle account of every profile.
pub async fn resolve(store: &Store, site: &Site, profiles: &[LearnerProfile]) -> HashMap<Email, UserResolution> {
    let mut out: HashMap<Email, UserResolution> = HashMap::new();
    let unknown = match_known(store, site, distinct(profiles), &mut out).await;
    if unknown.is_empty() {
        return out;
    }
    let mut learnt = Learnt::default();
    // 1. One batched look-up by the canonical (lower-case) address.
    let Some(to_create) = match_by_email(site, unknown, &mut out, &mut learnt).await else {
        return out;
    };
    // 2. Batched creation.
    create_in_halves(store, site, to_create, &mut out, &mut learnt).await;
    if let Err(e) = store.set_moodle_idnumbers(&site.name, &learnt.idnumbers).await {
        tracing::warn!(site = %site.name, error = %e, "remembering new accounts' idnumbers failed");
    }
    if let Err(e) = store.set_moodle_users(&site.name, &learnt.users).await {
        // Not fatal: next time these learners are matched by email again.
        tracing::warn!(site = %site.name, error = %e, "remembering learners' Moodle ids failed");
    }
    out
}

/// Learners matched or created in this round; remembered in one write each at the end.
#[derive(Default)]
struct Learnt {
    users: Vec<MoodleUserId>,
    /// The idnumbers we gave the accounts we create: how an address change is recognised.
    idnumbers: Vec<MoodleIdnumber>,
}

/// One profile per address, the first given.
fn distinct(profiles: &[LearnerProfile]) -> Vec<&LearnerProfile> {
    let mut distinct: Vec<&LearnerProfile> = Vec::new();
    for p in profiles {
        if !distinct.iter().any(|d| d.email == p.email) {
            distinct.push(p);
        }
    }
    distinct
}

/// Resolves into `out` the learners we matched before, or whose account followed them to a new
/// address; returns the others. When the store fails, every learner fails and none is returned.
async fn match_known<'p>(
    store: &Store,
    site: &Site,
    distinct: Vec<&'p LearnerProfile>,
    out: &mut HashMap<Email, UserResolution>,
) -> Vec<&'p LearnerProfile> {
    // Learners matched before: one query for the whole round.
    let emails: Vec<&Email> = distinct.iter().map(|p| &p.email).collect();
    let known = match store.moodle_users(&site.name, &emails).await {
        Ok(known) => known,
        Err(e) => {
            let err = JobError::store(e);
            out.extend(
                distinct
                    .iter()
                    .map(|p| (p.email.clone(), UserResolution::Failed(err.clone()))),
            );
            return Vec::new();
        }
    };
    let mut unknown: Vec<&LearnerProfile> = Vec::new();
    for p in distinct {
        match known.get(&p.email) {
            Some(id) => {
                out.insert(p.email.clone(), UserResolution::Found(*id));
            }
            None => unknown.push(p),
        }
    }
    // An account we created for this learner under an older address (found by the idnumber
    // we gave it) keeps serving them under the new one: no Moodle look-up, no second account.
    if unknown.iter().any(|p| p.idnumber.is_some()) {
        let (moved, failed) = follow_renamed(store, site, &unknown).await;
        unknown.retain(|p| !moved.iter().any(|(e, _)| *e == p.email) && !failed.iter().any(|(e, _)| *e == p.email));
        for (email, id) in moved {
            out.insert(email, UserResolution::Found(id));
        }
        for (email, err) in failed {
            out.insert(email, UserResolution::Failed(err));
        }
    }
    unknown
}

/// Looks `unknown` up by address in one call: one account is a match, several a conflict.
/// Returns those without an account (to create), or `None` when the look-up failed (every
/// learner failed with it).
async fn match_by_email<'p>(
    site: &Site,
    unknown: Vec<&'p LearnerProfile>,
    out: &mut HashMap<Email, UserResolution>,
    learnt: &mut Learnt,
) -> Option<Vec<&'p LearnerProfile>> {
    let emails: Vec<Vec<String>> = unknown.iter().map(|p| spellings(p.email.as_str())).collect();
    let found = match site.client.get_users_by_field_grouped(UserField::Email, &emails).await {
        Ok(users) => users,
        Err(e) => {
            let err = JobError::from_moodle(&site.name, MoodleStep::LookUpLearners, &e);
            for p in unknown {
                out.insert(p.email.clone(), UserResolution::Failed(err.clone()));
            }
            return None;
        }
    };
    let by_email = group_by_email(found);
    let mut to_create: Vec<&LearnerProfile> = Vec::new();
    for p in unknown {
        match by_email.get(p.email.as_str()).map(Vec::as_slice) {
            Some([id]) => {
                out.insert(p.email.clone(), UserResolution::Found(*id));
                learnt.users.push(MoodleUserId {
                    email: p.email.clone(),
                    user_id: *id,
                });
            }
            Some(many @ [_, _, ..]) => {
                out.insert(p.email.clone(), UserResolution::Failed(conflict(site, &p.email, many)));
            }
            _ => to_create.push(p),
        }
    }
    Some(to_create)
}

/// The spellings of `email` the batched look-up asks for. The look-up is case-sensitive on a
/// PostgreSQL Moodle (case-insensitive on MySQL), yet two accounts whose addresses differ only
/// in letter case are one address to Moodle and must be held, not guessed between. Moodle has
/// no batched case-insensitive look-up, and one `core_user_get_users` per learner would multiply
/// a first import's calls, so the usual capitalisations of an address made outside the web
/// services ride along in the same batched call: `zoe@example.org`, `Zoe@example.org`,
/// `Zoe@Example.org`, `ZOE@EXAMPLE.ORG`. A rarer one is caught when creating the account fails.
fn spellings(email: &str) -> Vec<String> {
    let lower = email.to_lowercase();
    let (local, domain) = lower.split_once('@').unwrap_or((lower.as_str(), ""));
    let mut out = vec![
        lower.clone(),
        format!("{}@{domain}", capitalised(local)),
        format!("{}@{}", capitalised(local), capitalised(domain)),
        email.to_uppercase(),
    ];
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| seen.insert(s.clone()));
    out
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Batched creation; Moodle mails each learner a password (`createpassword`). Moodle rolls a
/// whole request back on one bad row, so a failed request is split in halves until the bad rows
/// stand alone; only those take the careful one-by-one path.
async fn create_in_halves(
    store: &Store,
    site: &Site,
    to_create: Vec<&LearnerProfile>,
    out: &mut HashMap<Email, UserResolution>,
    learnt: &mut Learnt,
) {
    let mut pending: Vec<Vec<&LearnerProfile>> = if to_create.is_empty() {
        Vec::new()
    } else {
        vec![to_create]
    };
    while let Some(group) = pending.pop() {
        let usernames = match usernames(store, site, &group).await {
            Ok(u) => u,
            Err(err) => {
                for p in group {
                    out.insert(p.email.clone(), UserResolution::Failed(err.clone()));
                }
                continue;
            }
        };
        let failed_ranges = create_batch(site, &group, &usernames, out, learnt).await;
        for (range, error) in failed_ranges {
            let failed: Vec<&LearnerProfile> = group[range].to_vec();
            // Bisecting finds a bad row; a failure that is the site's would fail every half.
            if error.is_retryable() || SiteCondition::of(&error).is_some() {
                let err = JobError::from_moodle(&site.name, MoodleStep::CreateAccounts, &error);
                for p in failed {
                    out.insert(p.email.clone(), UserResolution::Failed(err.clone()));
                }
            } else if failed.len() == 1 {
                let r = create_one_carefully(store, site, failed[0]).await;
                out.insert(failed[0].email.clone(), r);
            } else {
                let (a, b) = failed.split_at(failed.len() / 2);
                pending.push(a.to_vec());
                pending.push(b.to_vec());
            }
        }
    }
}

/// One `core_user_create_users` call for `group`: resolves into `out` every learner outside the
/// failed ranges, which it returns with their errors.
async fn create_batch(
    site: &Site,
    group: &[&LearnerProfile],
    usernames: &[String],
    out: &mut HashMap<Email, UserResolution>,
    learnt: &mut Learnt,
) -> Vec<(std::ops::Range<usize>, MoodleError)> {
    let new_users: Vec<NewUser> = group.iter().zip(usernames).map(|(p, u)| new_user(p, u)).collect();
    let (created, failed_ranges) = match site.client.create_users(&new_users).await {
        Ok(created) => (created, Vec::new()),
        Err(batch) => (
            batch.created,
            batch
                .failures
                .into_iter()
                .map(|f| (f.range, f.error))
                .collect::<Vec<_>>(),
        ),
    };
    let ids: HashMap<String, i64> = created.into_iter().map(|c| (c.username, c.id)).collect();
    for (i, p) in group.iter().enumerate() {
        if failed_ranges.iter().any(|(r, _)| r.contains(&i)) {
            continue;
        }
        let r = match ids.get(&new_users[i].username) {
            Some(id) => {
                learnt.users.push(MoodleUserId {
                    email: p.email.clone(),
                    user_id: *id,
                });
                if let Some(idn) = &p.idnumber {
                    learnt.idnumbers.push(MoodleIdnumber {
                        idnumber: idn.clone(),
                        user_id: *id,
                    });
                }
                UserResolution::Found(*id)
            }
            None => UserResolution::Failed(JobError::NewUserNotReturned),
        };
        out.insert(p.email.clone(), r);
    }
    failed_ranges
}

/// The account of a learner we only need to act on if it exists (unenrolment).
pub async fn known_user(store: &Store, site: &Site, email: &Email) -> UserResolution {
    match store.moodle_user(&site.name, email).await {
        Ok(Some(id)) => return UserResolution::Found(id),
        Ok(None) => {}
        Err(e) => {
            return UserResolution::Failed(JobError::store(e));
        }
    }
    match site.client.find_users_by_email_ci(email.as_str()).await {
        Ok(users) => match users.as_slice() {
            [] => UserResolution::Absent,
            [one] => remember(store, site, email, one.id).await,
            many => UserResolution::Failed(conflict(site, email, &many.iter().map(|u| u.id).collect::<Vec<_>>())),
        },
        Err(e) => UserResolution::Failed(JobError::from_moodle(&site.name, MoodleStep::LookUpLearner, &e)),
    }
}

/// After a failed creation batch: the address may exist in another letter case, or the
/// username may be taken by someone else.
async fn create_one_carefully(store: &Store, site: &Site, p: &LearnerProfile) -> UserResolution {
    match site.client.find_users_by_email_ci(p.email.as_str()).await {
        Ok(users) if users.len() == 1 => return remember(store, site, &p.email, users[0].id).await,
        Ok(users) if users.len() > 1 => {
            return UserResolution::Failed(conflict(
                site,
                &p.email,
                &users.iter().map(|u| u.id).collect::<Vec<_>>(),
            ));
        }
        Ok(_) => {}
        Err(e) => return UserResolution::Failed(JobError::from_moodle(&site.name, MoodleStep::LookUpLearner, &e)),
    }
    // Nothing was found under this address in any letter case.
    let mut last = None;
    for n in 1..=3 {
        let username = match &site.usernames {
            UsernamePolicy::Email if n == 1 => username_for(&p.email),
            UsernamePolicy::Email => format!("{}-{n}", username_for(&p.email)),
            UsernamePolicy::Prefix(_) => match usernames(store, site, &[p]).await {
                Ok(mut u) => u.pop().unwrap_or_default(),
                Err(e) => return UserResolution::Failed(e),
            },
        };
        match site.client.create_users(&[new_user(p, &username)]).await {
            Ok(created) => match created.first() {
                Some(c) => {
                    if let Some(idn) = &p.idnumber
                        && let Err(e) = store
                            .set_moodle_idnumbers(
                                &site.name,
                                &[MoodleIdnumber {
                                    idnumber: idn.clone(),
                                    user_id: c.id,
                                }],
                            )
                            .await
                    {
                        tracing::warn!(site = %site.name, error = %e, "remembering a new account's idnumber failed");
                    }
                    return remember(store, site, &p.email, c.id).await;
                }
                None => break,
            },
            Err(batch) => {
                let e = batch.failures.into_iter().next().map(|f| f.error);
                if let Some(e) = e {
                    let retryable = e.is_retryable() || SiteCondition::of(&e).is_some();
                    last = Some(e);
                    if retryable || matches!(last.as_ref().map(refusal), Some(Refusal::EmailExists)) {
                        break;
                    }
                }
            }
        }
    }
    UserResolution::Failed(match last {
        // Every username was refused without a reason, or Moodle says the address exists
        // though no look-up found it: the token user cannot see emails.
        Some(e) if refusal(&e) != Refusal::Other => JobError::EmailHidden {
            site: site.name.clone(),
            email: p.email.to_string(),
            reason: e.to_string(),
        },
        Some(e) => JobError::from_moodle(&site.name, MoodleStep::CreateAccount, &e),
        None => JobError::AccountNotCreated,
    })
}

/// Why Moodle refused a creation, as far as an existing account with the address explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// `Email address already exists` (the debuginfo, with site debugging on).
    EmailExists,
    /// `invalidparameter` without a reason (debugging off): the address, or the username.
    Unexplained,
    Other,
}

fn refusal(e: &MoodleError) -> Refusal {
    if e.errorcode() != Some("invalidparameter") {
        return Refusal::Other;
    }
    match e.exception().and_then(|x| x.debuginfo.as_deref()).map(str::trim) {
        None | Some("") => Refusal::Unexplained,
        Some(d) if d.contains("Email address already exists") => Refusal::EmailExists,
        Some(_) => Refusal::Other,
    }
}

async fn remember(store: &Store, site: &Site, email: &Email, id: i64) -> UserResolution {
    match store.set_moodle_user(&site.name, email, id).await {
        Ok(()) => UserResolution::Found(id),
        Err(e) => UserResolution::Failed(JobError::store(e)),
    }
}

fn conflict(site: &Site, email: &Email, ids: &[i64]) -> JobError {
    JobError::AccountConflict {
        site: site.name.clone(),
        email: email.to_string(),
        user_ids: ids.to_vec(),
    }
}

/// Account ids by lower-case address, each once: a MySQL Moodle answers several spellings of
/// one address with the same account, possibly in different batches.
fn group_by_email(users: Vec<User>) -> HashMap<String, Vec<i64>> {
    let mut m: HashMap<String, Vec<i64>> = HashMap::new();
    for u in users {
        if let Some(e) = u.email.as_deref() {
            let ids = m.entry(e.trim().to_lowercase()).or_default();
            if !ids.contains(&u.id) {
                ids.push(u.id);
            }
        }
    }
    m
}

/// Usernames for new accounts, per the site's policy. A prefix policy takes fresh numbers
/// from a counter shared by every replica; a name someone took by hand in Moodle makes the
/// creation fail, and the one-by-one path then tries the next numbers.
async fn usernames(store: &Store, site: &Site, group: &[&LearnerProfile]) -> Result<Vec<String>, JobError> {
    match &site.usernames {
        UsernamePolicy::Email => Ok(group.iter().map(|p| username_for(&p.email)).collect()),
        UsernamePolicy::Prefix(prefix) => {
            let n = i64::try_from(group.len()).unwrap_or(i64::MAX);
            let first = store
                .reserve_numbers(&format!("username:{}:{prefix}", site.name), n)
                .await
                .map_err(JobError::store)?;
            Ok((0..n).map(|i| format!("{prefix}{}", first + i)).collect())
        }
    }
}

/// Learners unknown under their address whose idnumber names an account we created under
/// another one: their email changed. The account's email is updated in Moodle and what we knew
/// under the old address moves to the new one. Returns (moved: learner → account, failed).
async fn follow_renamed(
    store: &Store,
    site: &Site,
    profiles: &[&LearnerProfile],
) -> (Vec<(Email, i64)>, Vec<(Email, JobError)>) {
    let idnumbers: Vec<&str> = profiles.iter().filter_map(|p| p.idnumber.as_deref()).collect();
    let accounts = match store.accounts_by_idnumber(&site.name, &idnumbers).await {
        Ok(a) => a,
        Err(e) => {
            let err = JobError::store(e);
            let failed = profiles.iter().map(|p| (p.email.clone(), err.clone())).collect();
            return (Vec::new(), failed);
        }
    };
    let candidates: Vec<(&LearnerProfile, i64, Email)> = profiles
        .iter()
        .filter_map(|p| {
            let KnownAccount {
                user_id: id,
                email: old,
            } = accounts.get(p.idnumber.as_deref()?)?;
            (*old != p.email).then(|| (*p, *id, old.clone()))
        })
        .collect();
    let mut failed = Vec::new();
    if candidates.is_empty() {
        return (Vec::new(), failed);
    }
    let updates: Vec<UserUpdate> = candidates
        .iter()
        .map(|(p, id, _)| UserUpdate {
            id: *id,
            email: Some(p.email.as_str().to_string()),
            ..UserUpdate::default()
        })
        .collect();
    let warnings = match site.client.update_users(&updates).await {
        Ok(w) => w,
        Err(batch) => {
            let err = batch.failures.first().map_or_else(
                || JobError::EmailNotUpdated,
                |f| JobError::from_moodle(&site.name, MoodleStep::UpdateEmail, &f.error),
            );
            failed.extend(candidates.iter().map(|(p, _, _)| (p.email.clone(), err.clone())));
            return (Vec::new(), failed);
        }
    };
    let mut moved = Vec::new();
    for (p, id, old) in candidates {
        if let Some(w) = warnings.iter().find(|w| w.itemid == Some(id)) {
            let err = JobError::EmailRefused {
                site: site.name.clone(),
                user_id: id,
                reason: w.message.clone(),
            };
            failed.push((p.email.clone(), err));
            continue;
        }
        tracing::info!(site = %site.name, user = id, "a learner's email changed; their account follows");
        if let Err(e) = store
            .rename_learner(&site.name, &old, &p.email, id, crate::clock::now())
            .await
        {
            let err = JobError::store(e);
            failed.push((p.email.clone(), err));
            continue;
        }
        moved.push((p.email.clone(), id));
    }
    (moved, failed)
}

fn new_user(p: &LearnerProfile, username: &str) -> NewUser {
    NewUser {
        username: username.to_string(),
        email: p.email.as_str().to_string(),
        firstname: p.firstname.clone(),
        lastname: p.lastname.clone(),
        auth: Some("manual".to_string()),
        createpassword: true,
        password: None,
        idnumber: p.idnumber.clone(),
    }
}

/// A Moodle username from an email: PARAM_USERNAME accepts lower-case letters, digits and
/// `_ - . @` (without extended username characters), at most 100 characters.
pub fn username_for(email: &Email) -> String {
    email
        .as_str()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.@".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_look_up_asks_for_the_usual_capitalisations_once_each() {
        assert_eq!(
            spellings("Zoe@Example.org"),
            [
                "zoe@example.org",
                "Zoe@example.org",
                "Zoe@Example.org",
                "ZOE@EXAMPLE.ORG"
            ]
        );
        assert_eq!(spellings("1@2"), ["1@2"]);
    }

    #[test]
    fn usernames_only_use_characters_moodle_accepts() {
        for (email, want) in [
            ("ada@example.org", "ada@example.org"),
            ("ada+courses@example.org", "ada_courses@example.org"),
            ("josé@example.org", "jos_@example.org"),
        ] {
            assert_eq!(username_for(&Email::parse(email).unwrap()), want);
        }
    }
}
