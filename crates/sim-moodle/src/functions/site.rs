//! core_webservice_get_site_info.

use super::{Caller, FUNCTIONS};
use crate::errors::WsError;
use crate::json::J;
use crate::params::{Desc, Ty, V, d};
use crate::state::State;

/// Params: `serviceshortnames` (ignored).
pub fn params() -> Desc {
    d::single(vec![("serviceshortnames", d::list_def(d::req(Ty::AlphaNumExt)))])
}

/// The functions of a token's service, in registry order.
pub fn service_functions(functions: Option<&std::collections::BTreeSet<String>>) -> Vec<J> {
    FUNCTIONS
        .iter()
        .filter(|f| functions.is_none_or(|s| s.contains(f.name)))
        .map(|f| J::obj().with("name", f.name).with("version", f.version))
        .collect()
}

/// core_webservice_get_site_info
pub fn get_site_info(state: &mut State, caller: &Caller, _p: &V) -> Result<J, WsError> {
    let u = &caller.user;
    let (_, big) = super::picture_urls(state);
    let functions = service_functions(caller.functions.as_ref());
    let site = &state.site;
    let feat = |n: &str, v: bool| J::obj().with("name", n).with("value", i64::from(v));
    let advanced = vec![
        feat("usecomments", true),
        feat("usetags", true),
        feat("enablenotes", true),
        feat("messaging", site.messaging),
        feat("enableblogs", true),
        feat("enablecompletion", true),
        feat("enablebadges", site.badges),
        feat("messagingallusers", false),
        feat("enablecustomreports", true),
        feat("enableglobalsearch", false),
        feat("mnet_dispatcher_mode", false),
        feat("enablecompetencies", true),
    ];
    let admin = u.admin;
    Ok(J::obj()
        .with("sitename", site.name.as_str())
        .with("username", u.username.as_str())
        .with("firstname", u.firstname.as_str())
        .with("lastname", u.lastname.as_str())
        .with("fullname", u.fullname())
        .with("lang", "en")
        .with("userid", u.id)
        .with("siteurl", site.wwwroot.as_str())
        .with("userpictureurl", big)
        .with("functions", functions)
        .with("downloadfiles", 1)
        .with("uploadfiles", 1)
        .with("release", site.release.as_str())
        .with("version", site.version.as_str())
        .with("mobilecssurl", "")
        .with("advancedfeatures", advanced)
        .with("usercanmanageownfiles", true)
        .with("userquota", if admin { 0 } else { 104_857_600 })
        .with("usermaxuploadfilesize", if admin { -1 } else { 2_097_152 })
        .with("userhomepage", 1)
        .with("userhomepageurl", J::Absent)
        .with("userprivateaccesskey", "PRIVATEACCESSKEY")
        .with("siteid", 1)
        .with("sitecalendartype", "gregorian")
        .with("usercalendartype", "gregorian")
        .with("userissiteadmin", admin)
        .with("theme", "boost")
        .with("limitconcurrentlogins", 0)
        .with("usersessionscount", J::Absent)
        .with("policyagreed", 0))
}
