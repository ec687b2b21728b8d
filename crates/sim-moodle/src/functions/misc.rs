//! Badges, cohorts, messages, files.

use base64::Engine;

use super::Caller;
use crate::errors::WsError;
use crate::json::J;
use crate::params::{Desc, Ty, V, d};
use crate::state::{Message, State, StoredFile, now};

/// Context id of a user (stable, fake): admin (2) → 5.
pub fn user_context(userid: i64) -> i64 {
    userid + 3
}

/// Params of core_badges_get_user_badges.
pub fn badges_params() -> Desc {
    d::single(vec![
        ("userid", d::def(Ty::Int, V::Int(0))),
        ("courseid", d::def(Ty::Int, V::Int(0))),
        ("page", d::def(Ty::Int, V::Int(0))),
        ("perpage", d::def(Ty::Int, V::Int(0))),
        ("search", d::def(Ty::Raw, V::Str(String::new()))),
        ("onlypublic", d::def(Ty::Bool, V::Bool(false))),
    ])
}

/// core_badges_get_user_badges
pub fn get_user_badges(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    if !state.site.badges {
        return Err(WsError::moodle(
            "badgesdisabled",
            "Badges are not enabled on this site.",
        ));
    }
    let mut userid = p.get_int("userid").unwrap_or(0);
    if userid == 0 {
        userid = caller.user.id;
    }
    let courseid = p.get_int("courseid").unwrap_or(0);
    let Some(u) = state.user(userid) else {
        return Err(WsError::invalid_user(userid));
    };
    let search = p.get_str("search").unwrap_or("").to_lowercase();
    let badges: Vec<J> = state
        .badges
        .iter()
        .filter(|b| b.userid == userid && (courseid == 0 || b.courseid == courseid))
        .filter(|b| search.is_empty() || b.name.to_lowercase().contains(&search))
        .map(|b| {
            J::obj()
                .with("id", b.id)
                .with("name", b.name.as_str())
                .with("description", b.description.as_str())
                .with("timecreated", b.dateissued)
                .with("timemodified", b.dateissued)
                .with("usercreated", 2)
                .with("usermodified", 2)
                .with("issuername", state.site.name.as_str())
                .with("issuerurl", state.site.wwwroot.as_str())
                .with("issuercontact", J::Null)
                .with("expiredate", J::Null)
                .with("expireperiod", J::Null)
                .with("type", if b.courseid == 0 { 1 } else { 2 })
                .with("courseid", if b.courseid == 0 { J::Null } else { J::Int(b.courseid) })
                .with("message", "")
                .with("messagesubject", "")
                .with("attachment", 1)
                .with("notification", 1)
                .with("nextcron", J::Null)
                .with("status", 3)
                .with("issuedid", b.issuedid)
                .with("uniquehash", b.uniquehash.as_str())
                .with("dateissued", b.dateissued)
                .with("dateexpire", J::Null)
                .with("visible", 1)
                .with("email", u.email.as_str())
                .with("version", J::Null)
                .with("language", J::Null)
                .with("imageauthorname", J::Null)
                .with("imageauthoremail", J::Null)
                .with("imageauthorurl", J::Null)
                .with("imagecaption", J::Null)
                .with(
                    "badgeurl",
                    // external_settings fileurl=1: the image URL is rewritten to
                    // webservice/pluginfile.php, in the badge's context (course or system).
                    format!(
                        "{}/webservice/pluginfile.php/{}/badges/badgeimage/{}/f3",
                        state.site.wwwroot,
                        if b.courseid == 0 {
                            1
                        } else {
                            super::courses::course_context(b.courseid)
                        },
                        b.id
                    ),
                )
                .with("alignment", J::Arr(vec![]))
                .with("relatedbadges", J::Arr(vec![]))
        })
        .collect();
    Ok(J::obj().with("badges", badges).with("warnings", J::Arr(vec![])))
}

/// Params of core_cohort_add_cohort_members.
pub fn cohort_params() -> Desc {
    let tv = || d::single(vec![("type", d::req(Ty::AlphaNumExt)), ("value", d::req(Ty::Raw))]);
    d::single(vec![(
        "members",
        d::list(d::single(vec![("cohorttype", tv()), ("usertype", tv())])),
    )])
}

fn cwarn(code: &str, msg: String) -> J {
    J::obj().with("warningcode", code).with("message", msg)
}

/// core_cohort_add_cohort_members — per-item warnings; capability failure rolls back all.
pub fn add_cohort_members(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    let mut warnings = Vec::new();
    let mut adds = Vec::new();
    for m in p.get("members").map(V::list).unwrap_or(&[]) {
        let ct = m.get("cohorttype").cloned().unwrap_or(V::Null);
        let ut = m.get("usertype").cloned().unwrap_or(V::Null);
        let (ctype, cval) = (ct.get_str("type").unwrap_or(""), ct.get_str("value").unwrap_or(""));
        let (utype, uval) = (ut.get_str("type").unwrap_or(""), ut.get_str("value").unwrap_or(""));
        if ctype != "id" && ctype != "idnumber" {
            warnings.push(cwarn("1", format!("invalid parameter: cohortype={ctype}")));
            continue;
        }
        if utype != "id" && utype != "username" {
            warnings.push(cwarn("1", format!("invalid parameter: usertype={utype}")));
            continue;
        }
        let cohort = state.cohorts.values().find(|c| {
            if ctype == "id" {
                cval.parse::<i64>().is_ok_and(|i| i == c.id)
            } else {
                c.idnumber == cval
            }
        });
        let Some(cohort) = cohort else {
            warnings.push(cwarn("2", format!("cohort {ctype}={cval} not exists")));
            continue;
        };
        let user = if utype == "id" {
            cval_user_id(state, uval)
        } else {
            state.user_by_username(uval).map(|u| u.id)
        };
        let Some(uid) = user else {
            warnings.push(cwarn("2", format!("user {utype}={uval} not exists")));
            continue;
        };
        caller.require("moodle/cohort:assign", "Add and remove cohort members")?;
        if cohort.members.contains(&uid) || adds.contains(&(cohort.id, uid)) {
            warnings.push(cwarn(
                "3",
                format!("record already exists: cohort({ctype}={cval} {utype}={uval})"),
            ));
            continue;
        }
        adds.push((cohort.id, uid));
    }
    for (cid, uid) in adds {
        if let Some(c) = state.cohorts.get_mut(&cid) {
            c.members.insert(uid);
        }
    }
    Ok(J::obj().with("warnings", warnings))
}

fn cval_user_id(state: &State, v: &str) -> Option<i64> {
    v.parse::<i64>().ok().filter(|i| state.user(*i).is_some())
}

/// Params of core_message_send_instant_messages.
pub fn message_params() -> Desc {
    d::single(vec![(
        "messages",
        d::list(d::single(vec![
            ("touserid", d::req(Ty::Int)),
            ("text", d::req(Ty::Raw)),
            ("textformat", d::def(Ty::Int, V::Int(0))),
            ("clientmsgid", d::opt(Ty::AlphaNumExt)),
        ])),
    )])
}

/// core_message_send_instant_messages
pub fn send_instant_messages(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    if !state.site.messaging {
        return Err(WsError::moodle("disabled", "Messaging is disabled on this site"));
    }
    caller.require("moodle/site:sendmessage", "Send messages to any user")?;
    let candelete = caller.user.admin;
    let mut out = Vec::new();
    for m in p.get("messages").map(V::list).unwrap_or(&[]) {
        let to = m.get_int("touserid").unwrap_or(0);
        let text = m.get_str("text").unwrap_or("");
        let mut o = J::obj();
        let err = match state.user(to) {
            None => Some(format!(
                "You cannot send a message to a user ID ({to}) that doesn't exist."
            )),
            Some(u) if u.blocks_non_contacts => Some(
                "You can't message this user due to their message preferences. Try adding them as a contact."
                    .to_owned(),
            ),
            Some(_) if text.chars().count() > 4096 => Some("The message is too long".to_owned()),
            Some(_) => None,
        };
        if let Some(e) = err {
            o.push("msgid", -1);
            if let Some(c) = m.get_str("clientmsgid") {
                o.push("clientmsgid", c);
            }
            o.push("errormessage", e);
            o.push("candeletemessagesforallusers", false);
            out.push(o);
            continue;
        }
        let from = caller.user.id;
        let conv = state
            .messages
            .iter()
            .find(|x| (x.useridfrom == from && x.useridto == to) || (x.useridfrom == to && x.useridto == from))
            .map(|x| x.conversationid);
        let conversationid =
            conv.unwrap_or_else(|| state.messages.iter().map(|x| x.conversationid).max().unwrap_or(0) + 1);
        let id = state.next_message_id();
        let formatted = if text.trim_start().starts_with('<') {
            text.to_owned()
        } else {
            format!("<p>{text}</p>")
        };
        let t = now();
        state.messages.push(Message {
            id,
            useridfrom: from,
            useridto: to,
            text: formatted.clone(),
            conversationid,
            timecreated: t,
        });
        o.push("msgid", id);
        if let Some(c) = m.get_str("clientmsgid") {
            o.push("clientmsgid", c);
        }
        o.push("text", formatted);
        o.push("timecreated", t);
        o.push("conversationid", conversationid);
        o.push("useridfrom", from);
        o.push("candeletemessagesforallusers", candelete);
        out.push(o);
    }
    Ok(J::Arr(out))
}

/// Params of core_files_upload.
pub fn upload_params() -> Desc {
    d::single(vec![
        ("contextid", d::def(Ty::Int, V::Null)),
        ("component", d::req(Ty::Plugin)),
        ("filearea", d::req(Ty::Alpha)),
        ("itemid", d::req(Ty::Int)),
        ("filepath", d::req(Ty::Path)),
        ("filename", d::req(Ty::File)),
        ("filecontent", d::req(Ty::Raw)),
        ("contextlevel", d::def(Ty::Alpha, V::Null)),
        ("instanceid", d::def(Ty::Int, V::Null)),
    ])
}

/// A new random draft item id.
pub fn new_draft_itemid() -> i64 {
    use rand::Rng;
    rand::thread_rng().gen_range(100_000_000..999_999_999)
}

/// core_files_upload (user draft area only).
pub fn files_upload(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    let component = p.get_str("component").unwrap_or("");
    let filearea = p.get_str("filearea").unwrap_or("");
    if component != "user" || filearea != "draft" {
        return Err(WsError::coding("File can be uploaded to user draft area only"));
    }
    let contextid = p.get_int("contextid");
    let level = p.get_str("contextlevel");
    let instance = p.get_int("instanceid");
    let contextid = match (contextid, level, instance) {
        (Some(c), _, _) => c,
        (None, Some("user"), Some(i)) => user_context(i),
        (None, Some(_), Some(i)) => i,
        _ => {
            return Err(WsError::invalid_parameter(
                "Missing parameters, please provide either context level with instance id or contextid",
            ));
        }
    };
    let mut itemid = p.get_int("itemid").unwrap_or(0);
    if itemid <= 0 {
        itemid = new_draft_itemid();
    }
    let filepath = p.get_str("filepath").unwrap_or("/").to_owned();
    let filename = p.get_str("filename").unwrap_or("").to_owned();
    let content = base64::engine::general_purpose::STANDARD
        .decode(p.get_str("filecontent").unwrap_or("").as_bytes())
        .unwrap_or_default();
    if state.files.iter().any(|f| {
        f.contextid == contextid
            && f.itemid == itemid
            && f.filepath == filepath
            && f.filename == filename
            && f.filearea == "draft"
    }) {
        return Err(WsError::moodle("fileexist", "error/fileexist"));
    }
    state.files.push(StoredFile {
        userid: caller.user.id,
        contextid,
        component: "user".into(),
        filearea: "draft".into(),
        itemid,
        filepath: filepath.clone(),
        filename: filename.clone(),
        size: content.len(),
    });
    let url = format!(
        "{}/draftfile.php/{contextid}/user/draft/{itemid}/{filename}",
        state.site.wwwroot
    );
    Ok(J::obj()
        .with("contextid", contextid)
        .with("component", "user")
        .with("filearea", "draft")
        .with("itemid", itemid)
        .with("filepath", filepath)
        .with("filename", filename)
        .with("url", url))
}
