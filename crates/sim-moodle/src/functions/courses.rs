//! core_course_get_courses_by_field, core_course_get_categories.

use std::collections::BTreeSet;

use super::Caller;
use crate::errors::WsError;
use crate::json::J;
use crate::params::{Desc, Ty, V, d};
use crate::state::{Course, ManualInstance, State};

/// Context id of a course (stable, fake).
pub fn course_context(id: i64) -> i64 {
    id + 13
}

/// Category sortorder as `fix_course_sortorder()` assigns it: a depth-first walk of the
/// tree (siblings by id), `MAX_COURSES_IN_CATEGORY` (10 000) apart, so a sub-category sorts
/// right after its parent and deleted ids leave no gaps.
pub fn category_sortorder(state: &State, id: i64) -> i64 {
    fn walk(state: &State, parent: i64, id: i64, pos: &mut i64) -> bool {
        for c in state.categories.values().filter(|c| c.parent == parent) {
            *pos += 1;
            if c.id == id || walk(state, c.id, id, pos) {
                return true;
            }
        }
        false
    }
    let mut pos = 0;
    if walk(state, 0, id, &mut pos) { pos * 10_000 } else { 0 }
}

/// Course sortorder: new courses go to the top of their category.
pub fn course_sortorder(state: &State, c: &Course) -> i64 {
    let later = state
        .courses
        .values()
        .filter(|o| o.category == c.category && o.id >= c.id && o.id != 1)
        .count();
    category_sortorder(state, c.category) + i64::try_from(later).unwrap_or(0)
}

/// `courseimage` URL.
pub fn course_image(state: &State, id: i64) -> String {
    format!(
        "{}/pluginfile.php/{}/course/generated/course.svg",
        state.site.wwwroot,
        course_context(id)
    )
}

fn filters() -> Vec<J> {
    [
        "displayh5p",
        "activitynames",
        "mathjaxloader",
        "emoticon",
        "urltolink",
        "mediaplugin",
    ]
    .iter()
    .map(|f| {
        J::obj()
            .with("filter", *f)
            .with("localstate", 0)
            .with("inheritedstate", 1)
    })
    .collect()
}

fn course_object(state: &State, caller: &Caller, c: &Course) -> J {
    let catname = state
        .categories
        .get(&c.category)
        .map(|k| k.name.clone())
        .unwrap_or_default();
    let mut o = J::obj()
        .with("id", c.id)
        .with("fullname", c.fullname.as_str())
        .with("displayname", c.fullname.as_str())
        .with("shortname", c.shortname.as_str())
        .with("courseimage", course_image(state, c.id))
        .with("categoryid", c.category)
        .with("categoryname", catname)
        .with("sortorder", course_sortorder(state, c))
        .with("summary", c.summary.as_str())
        .with("summaryformat", c.summaryformat)
        .with("summaryfiles", J::Arr(vec![]))
        .with("overviewfiles", J::Arr(vec![]))
        .with("showactivitydates", false)
        .with(
            "showcompletionconditions",
            if c.enablecompletion { J::Bool(true) } else { J::Null },
        )
        .with("contacts", J::Arr(vec![]))
        .with(
            "enrollmentmethods",
            if c.manual == ManualInstance::Enabled {
                J::Arr(vec![J::from("manual")])
            } else {
                J::Arr(vec![])
            },
        );
    if !state.can_enter_course(&caller.user, c.id) {
        return o;
    }
    let update = caller.can("moodle/course:update");
    if update {
        o.push("idnumber", c.idnumber.as_str());
    }
    o.push("format", if c.id == 1 { "site" } else { "topics" });
    o.push("showgrades", 1);
    o.push("newsitems", 1);
    o.push("startdate", c.startdate);
    o.push("enddate", c.enddate);
    o.push("maxbytes", 0);
    o.push("showreports", 0);
    o.push("visible", i64::from(c.visible));
    o.push("groupmode", 0);
    o.push("groupmodeforce", 0);
    o.push("defaultgroupingid", 0);
    o.push("enablecompletion", i64::from(c.enablecompletion));
    o.push("completionnotify", 0);
    o.push("lang", "");
    o.push("theme", "");
    o.push("marker", 0);
    if update {
        o.push("legacyfiles", 0);
        o.push("calendartype", "");
        o.push("timecreated", c.timecreated);
        o.push("timemodified", c.timecreated);
        o.push("requested", 0);
        o.push("cacherev", c.timecreated);
    }
    o.push("filters", filters());
    o.push(
        "courseformatoptions",
        J::Arr(vec![
            J::obj().with("name", "hiddensections").with("value", 1),
            J::obj().with("name", "coursedisplay").with("value", 0),
            J::obj().with("name", "indentation").with("value", "1"),
        ]),
    );
    o
}

/// Params of core_course_get_courses_by_field.
pub fn by_field_params() -> Desc {
    d::single(vec![
        ("field", d::def(Ty::Alpha, V::Str(String::new()))),
        ("value", d::def(Ty::Raw, V::Str(String::new()))),
    ])
}

/// core_course_get_courses_by_field
pub fn get_courses_by_field(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    let field = p.get_str("field").unwrap_or("");
    let value = p.get_str("value").unwrap_or("");
    let ids: Vec<i64> = match field {
        "" => state.courses.keys().copied().collect(),
        "id" => value
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|i| state.courses.contains_key(i))
            .into_iter()
            .collect(),
        "ids" => {
            let mut v = Vec::new();
            for part in value.split(',') {
                let id = part.trim().parse::<i64>().unwrap_or(0);
                if !state.courses.contains_key(&id) {
                    return Err(WsError::php_error(
                        "Attempt to assign property \"contextvalidated\" on null",
                    ));
                }
                v.push(id);
            }
            v
        }
        "shortname" => state.course_by_shortname(value).map(|c| c.id).into_iter().collect(),
        "idnumber" => state
            .courses
            .values()
            .filter(|c| !value.is_empty() && c.idnumber == value)
            .map(|c| c.id)
            .collect(),
        "category" => {
            let cat = value.trim().parse::<i64>().unwrap_or(-1);
            state
                .courses
                .values()
                .filter(|c| c.category == cat && c.id != 1)
                .map(|c| c.id)
                .collect()
        }
        _ => return Err(WsError::invalid_parameter("Invalid field name")),
    };
    let seeall = caller.can("moodle/course:viewhiddencourses") || caller.can("moodle/course:update");
    let courses: Vec<J> = ids
        .iter()
        .filter_map(|id| state.courses.get(id))
        .filter(|c| c.visible || seeall)
        .map(|c| course_object(state, caller, c))
        .collect();
    Ok(J::obj().with("courses", courses).with("warnings", J::Arr(vec![])))
}

/// Params of core_course_get_categories.
pub fn categories_params() -> Desc {
    d::single(vec![
        (
            "criteria",
            d::list_def(d::single(vec![("key", d::req(Ty::Alpha)), ("value", d::req(Ty::Raw))])),
        ),
        ("addsubcategories", d::def(Ty::Bool, V::Bool(true))),
    ])
}

fn cat_path(state: &State, id: i64) -> Vec<i64> {
    let mut path = vec![id];
    let mut cur = id;
    for _ in 0..64 {
        match state.categories.get(&cur) {
            Some(c) if c.parent != 0 => {
                path.push(c.parent);
                cur = c.parent;
            }
            _ => break,
        }
    }
    path.reverse();
    path
}

/// core_course_get_categories
pub fn get_categories(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    let manage = caller.can("moodle/category:manage");
    let mut seen = BTreeSet::new();
    let mut crit: Vec<(String, String)> = Vec::new();
    for c in p.get("criteria").map(V::list).unwrap_or(&[]) {
        let key = c.get_str("key").unwrap_or("").to_owned();
        let value = c.get_str("value").unwrap_or("").to_owned();
        if !seen.insert(key.clone()) {
            continue;
        }
        match key.as_str() {
            "id" | "ids" | "name" | "parent" => {}
            "idnumber" | "theme" | "visible" => {
                let ok = if key == "visible" {
                    manage || caller.can("moodle/category:viewhiddencategories")
                } else {
                    manage
                };
                if !ok {
                    return Err(
                        WsError::moodle("criteriaerror", "Missing permissions to search on a criterion.").debug(
                            format!("You don't have the permissions to search on the \"{key}\" field."),
                        ),
                    );
                }
            }
            _ => {
                return Err(
                    WsError::moodle("criteriaerror", "Missing permissions to search on a criterion.")
                        .debug(format!("You can not search on this criteria: {key}")),
                );
            }
        }
        crit.push((key, value));
    }
    let matched: Vec<i64> = state
        .categories
        .values()
        .filter(|c| {
            crit.iter().all(|(k, v)| match k.as_str() {
                "id" => v.trim().parse::<i64>().is_ok_and(|i| i == c.id),
                "ids" => v.split(',').any(|x| x.trim().parse::<i64>().is_ok_and(|i| i == c.id)),
                "name" => c.name == *v,
                "parent" => v.trim().parse::<i64>().is_ok_and(|i| i == c.parent),
                "idnumber" => c.idnumber == *v,
                "visible" => (v == "1") == c.visible,
                _ => true,
            })
        })
        .map(|c| c.id)
        .collect();
    let mut ids: BTreeSet<i64> = matched.iter().copied().collect();
    if p.get("addsubcategories").and_then(V::bool).unwrap_or(true) {
        for c in state.categories.values() {
            if cat_path(state, c.id).iter().any(|a| matched.contains(a)) {
                ids.insert(c.id);
            }
        }
    }
    // Returned by sortorder (the tree order), not by id.
    let mut ids: Vec<(i64, i64)> = ids.iter().map(|id| (category_sortorder(state, *id), *id)).collect();
    ids.sort_unstable();
    let out: Vec<J> = ids
        .iter()
        .filter_map(|(_, id)| state.categories.get(id))
        .filter(|c| c.visible || manage)
        .map(|c| {
            let path = cat_path(state, c.id);
            let coursecount = state.courses.values().filter(|x| x.category == c.id).count();
            let mut o = J::obj().with("id", c.id).with("name", c.name.as_str());
            if manage {
                o.push("idnumber", c.idnumber.as_str());
            }
            o.push("description", c.description.as_str());
            o.push("descriptionformat", c.descriptionformat);
            o.push("parent", c.parent);
            o.push("sortorder", category_sortorder(state, c.id));
            o.push("coursecount", i64::try_from(coursecount).unwrap_or(0));
            if manage {
                o.push("visible", i64::from(c.visible));
                o.push("visibleold", i64::from(c.visible));
                o.push("timemodified", c.timemodified);
            }
            o.push("depth", i64::try_from(path.len()).unwrap_or(1));
            o.push("path", path.iter().map(|x| format!("/{x}")).collect::<String>());
            if manage {
                o.push("theme", "");
            }
            o
        })
        .collect();
    Ok(J::Arr(out))
}
