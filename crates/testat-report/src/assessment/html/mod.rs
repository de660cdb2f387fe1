//! HTML: the whole assessment as one self-contained page for people and auditors: a
//! cover, the service description and scope, status charts, the Type 2 period with a
//! failure timeline per domain, and every criterion with the records behind it.
//!
//! The page needs nothing from the network: the CSS is inline, the charts are inline
//! SVG, there is no JavaScript. The templates live in `templates/` and are rendered by
//! `minijinja` with HTML auto-escaping, so text from the store and from scanned files
//! (resource addresses, statements, labels) cannot open markup of its own. Geometry is
//! computed in Rust; the templates only place numbers.
//!
//! | module | job |
//! | --- | --- |
//! | `view` | the report's view model: the assessment formatted for the templates |
//! | `charts` | the SVG charts: status by domain and the failure timelines |
//! | `handout` | the customer handout page |
//! | `gdpr` | the handout's GDPR annex |

mod charts;
mod gdpr;
mod handout;
mod view;

use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value};
use testat_assess::Assessment;

pub use self::handout::render_handout_html;
use self::view::ReportView;
use crate::ReportError;

const STYLE: &str = include_str!("../../../templates/report.css");
const BASE: &str = include_str!("../../../templates/base.html");
const SERVICE: &str = include_str!("../../../templates/service.html");
const REPORT: &str = include_str!("../../../templates/report.html");
const HANDOUT: &str = include_str!("../../../templates/handout.html");
const GDPR: &str = include_str!("../../../templates/gdpr.html");

/// The assessment as one self-contained HTML page.
pub fn render_html(a: &Assessment) -> Result<String, ReportError> {
    let context = ReportView::new(a);
    render("report.html", Value::from(Serde(&context)))
}

/// Renders the built-in template `name` with `context`.
fn render(name: &str, context: Value) -> Result<String, ReportError> {
    // A template error is a bug in the built-in templates, which the tests render.
    let fail = ReportError::Template;
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_template("report.css", STYLE).map_err(fail)?;
    env.add_template("base.html", BASE).map_err(fail)?;
    env.add_template("service.html", SERVICE).map_err(fail)?;
    env.add_template("report.html", REPORT).map_err(fail)?;
    env.add_template("handout.html", HANDOUT).map_err(fail)?;
    env.add_template("gdpr.html", GDPR).map_err(fail)?;
    env.get_template(name)
        .and_then(|t| t.render(context))
        .map_err(fail)
}
