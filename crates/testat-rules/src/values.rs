//! Resource values as CEL values, with the parts Terraform knows only after apply.
//!
//! Parts that `after_unknown` marks are kept as unknown parts:
//!
//! - an element of a list (a CIDR from a resource created in the same plan arrives as
//!   `null`): the element is an [`UnknownValue`] that no function or operator accepts,
//!   and `x in list` fails unless a known element matches;
//! - a member of an object, when a rule names it (or a part of it) under `unknown_if`:
//!   reading it, `has()` on it and `in` on the object fail with an "unknown" error.
//!   Other unknown members are left out, as unset ones are: most are optional
//!   attributes the provider fills in with its default, and the rule judges the
//!   default.
//!
//! CEL's `&&`, `||`, `exists()` and `all()` decide without an erring part when another
//! part decides (`false && error` is `false`, `[error, true].exists(…)` is `true`), so a
//! known failure in one part of a resource still fails it. Whether an unknown part was
//! consulted is recorded per thread ([`Touched`]): a condition that came out `true`
//! after consulting one is not a pass, and an error after consulting one is `unknown`.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;

use cel::ExecutionError;
use cel::common::traits::{Container, Indexer, Iterable, Sizer};
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt, Type,
};
use cel::common::value::{CowVal, StaticVal, Val};
use serde_json::Value as Json;

use crate::shared::Shared;

thread_local! {
    static TOUCHED: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Which unknown part, if any, the evaluation on this thread consulted.
pub(crate) struct Touched;

impl Touched {
    /// Forgets what was consulted before.
    pub(crate) fn reset() {
        TOUCHED.with(|t| t.borrow_mut().take());
    }

    /// The first unknown part consulted since the last reset.
    pub(crate) fn take() -> Option<String> {
        TOUCHED.with(|t| t.borrow_mut().take())
    }

    fn note(path: &str) {
        TOUCHED.with(|t| {
            let mut touched = t.borrow_mut();
            if touched.is_none() {
                *touched = Some(path.to_owned());
            }
        });
    }
}

/// The error an unknown part gives.
fn unknown_error(path: &str) -> ExecutionError {
    Touched::note(path);
    ExecutionError::FunctionError {
        function: "unknown".to_owned(),
        message: format!("`{path}` is known only after apply"),
    }
}

static UNKNOWN_TYPE: Type = Type::new_unspecified_type("unknown");

/// A value Terraform knows only after apply (an element of a list).
#[derive(Clone)]
pub(crate) struct UnknownValue(String);

impl std::fmt::Debug for UnknownValue {
    // A function given this value fails with an error that shows it: that is a use too.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Touched::note(&self.0);
        write!(f, "unknown `{}`", self.0)
    }
}

impl Val for UnknownValue {
    fn get_type(&self) -> &Type {
        Touched::note(&self.0);
        &UNKNOWN_TYPE
    }

    fn cel_type() -> &'static Type {
        &UNKNOWN_TYPE
    }

    fn equals(&self, _other: &dyn Val) -> bool {
        Touched::note(&self.0);
        false
    }

    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v> {
        Box::new(self.clone())
    }

    fn as_any(&self) -> Option<&dyn Any> {
        Touched::note(&self.0);
        Some(self)
    }
}

impl StaticVal for UnknownValue {}

/// An object some of whose members are unknown.
#[derive(Debug, Clone)]
struct PartialMap {
    known: CelMap<'static>,
    /// Names of the unknown members, with their paths for messages.
    unknown: Vec<(String, String)>,
}

impl PartialMap {
    fn unknown_path(&self, key: &dyn Val) -> Option<&str> {
        let key = key.downcast_ref::<CelString>()?;
        let key: &str = key.inner();
        self.unknown
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, path)| path.as_str())
    }
}

impl Val for PartialMap {
    fn get_type(&self) -> &Type {
        self.known.get_type()
    }

    fn cel_type() -> &'static Type {
        <CelMap<'static> as Val>::cel_type()
    }

    fn as_container(&self) -> Option<&dyn Container> {
        Some(self)
    }

    fn as_indexer<'b, 'w>(&'b self) -> Option<&'b (dyn Indexer + 'w)>
    where
        Self: 'w,
    {
        Some(self)
    }

    fn as_iterable<'b, 'w>(&'b self) -> Option<&'b (dyn Iterable + 'w)>
    where
        Self: 'w,
    {
        if let Some((_, path)) = self.unknown.first() {
            Touched::note(path);
        }
        self.known.as_iterable()
    }

    fn as_sizer(&self) -> Option<&dyn Sizer> {
        Some(self)
    }

    fn equals(&self, other: &dyn Val) -> bool {
        if let Some((_, path)) = self.unknown.first() {
            Touched::note(path);
        }
        self.known.equals(other)
    }

    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v> {
        Box::new(self.clone())
    }
}

impl Container for PartialMap {
    fn contains(&self, value: &dyn Val) -> Result<bool, ExecutionError> {
        match self.unknown_path(value) {
            Some(path) => Err(unknown_error(path)),
            None => self.known.contains(value),
        }
    }
}

impl Indexer for PartialMap {
    fn get<'b, 'w>(&'b self, key: &dyn Val) -> Result<CowVal<'b, 'w>, ExecutionError>
    where
        Self: 'w,
    {
        match self.unknown_path(key) {
            Some(path) => Err(unknown_error(path)),
            None => self.known.get(key),
        }
    }

    fn steal<'w>(self: Box<Self>, key: &dyn Val) -> Result<Box<dyn Val + 'w>, ExecutionError>
    where
        Self: 'w,
    {
        match self.unknown_path(key) {
            Some(path) => Err(unknown_error(path)),
            None => Box::new(self.known).steal(key),
        }
    }
}

impl Sizer for PartialMap {
    fn size(&self) -> CelInt {
        if let Some((_, path)) = self.unknown.first() {
            Touched::note(path);
        }
        CelInt::from(i64::try_from(self.known.len() + self.unknown.len()).unwrap_or(i64::MAX))
    }
}

/// A list some of whose elements are unknown.
#[derive(Debug, Clone)]
struct PartialList {
    list: CelList<'static>,
    /// Which elements are unknown.
    unknown: Vec<bool>,
    /// Path of the first unknown element, for messages.
    path: String,
}

impl Val for PartialList {
    fn get_type(&self) -> &Type {
        self.list.get_type()
    }

    fn cel_type() -> &'static Type {
        <CelList<'static> as Val>::cel_type()
    }

    fn as_container(&self) -> Option<&dyn Container> {
        Some(self)
    }

    fn as_indexer<'b, 'w>(&'b self) -> Option<&'b (dyn Indexer + 'w)>
    where
        Self: 'w,
    {
        self.list.as_indexer()
    }

    fn as_iterable<'b, 'w>(&'b self) -> Option<&'b (dyn Iterable + 'w)>
    where
        Self: 'w,
    {
        self.list.as_iterable()
    }

    fn as_sizer(&self) -> Option<&dyn Sizer> {
        self.list.as_sizer()
    }

    fn equals(&self, other: &dyn Val) -> bool {
        Touched::note(&self.path);
        self.list.equals(other)
    }

    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v> {
        Box::new(self.clone())
    }
}

impl Container for PartialList {
    fn contains(&self, value: &dyn Val) -> Result<bool, ExecutionError> {
        let known = self
            .list
            .inner()
            .iter()
            .zip(&self.unknown)
            .any(|(item, unknown)| !unknown && item.equals(value));
        if known {
            Ok(true)
        } else {
            Err(unknown_error(&self.path))
        }
    }
}

/// Converts JSON to a CEL value, with the unknown parts `unknown` (Terraform's
/// `after_unknown` for the same value) marks: list elements always, object members
/// when their path (dot-separated, without list indexes) is one of `members`, or lies
/// above or below one. Whole numbers become `int` (`uint` above `i64::MAX`), other
/// numbers `double`; object members whose value is `null` are left out. Maps and lists
/// are [`Shared`], so that the interpreter's copies of them are cheap.
pub(crate) fn to_val(value: &Json, unknown: Option<&Json>, members: &[String]) -> Box<dyn Val> {
    build(
        value,
        unknown,
        members,
        &mut String::new(),
        &mut String::new(),
    )
}

/// Whether a member at `schema` (a path without list indexes) is one a rule names.
fn named(members: &[String], schema: &str) -> bool {
    members.iter().any(|m| {
        m == schema
            || m.strip_prefix(schema)
                .is_some_and(|rest| rest.starts_with('.'))
            || schema
                .strip_prefix(m.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

fn build(
    value: &Json,
    unknown: Option<&Json>,
    members: &[String],
    path: &mut String,
    schema: &mut String,
) -> Box<dyn Val> {
    match value {
        Json::Null => Box::new(CelNull),
        Json::Bool(b) => Box::new(CelBool::from(*b)),
        Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Box::new(CelInt::from(i)),
            (None, Some(u), _) => Box::new(CelUInt::from(u)),
            (_, _, Some(f)) => Box::new(CelDouble::from(f)),
            _ => Box::new(CelNull),
        },
        Json::String(s) => Box::new(CelString::from(s.clone())),
        Json::Array(items) => {
            let marks = match unknown {
                Some(Json::Array(marks)) => Some(marks),
                _ => None,
            };
            let mut first_unknown = None;
            let mut unknown_items = Vec::new();
            let mut list: Vec<Box<dyn Val>> = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                let mark = marks.and_then(|m| m.get(index));
                let len = path.len();
                path.push_str(&format!("[{index}]"));
                let is_unknown = mark == Some(&Json::Bool(true));
                if is_unknown {
                    first_unknown.get_or_insert_with(|| path.clone());
                    list.push(Box::new(UnknownValue(path.clone())));
                } else {
                    list.push(build(item, mark, members, path, schema));
                }
                unknown_items.push(is_unknown);
                path.truncate(len);
            }
            let list = CelList::from(list);
            Shared::boxed(match first_unknown {
                Some(path) => Box::new(PartialList {
                    list,
                    unknown: unknown_items,
                    path,
                }),
                None => Box::new(list),
            })
        }
        Json::Object(members_of) => {
            let marks = match unknown {
                Some(Json::Object(marks)) => Some(marks),
                _ => None,
            };
            let mut unknown_members = Vec::new();
            let mut map: HashMap<CelMapKey<'static>, Box<dyn Val>> =
                HashMap::with_capacity(members_of.len());
            let object = members_of;
            for (key, member) in object {
                let mark = marks.and_then(|m| m.get(key));
                let len = (path.len(), schema.len());
                push_segment(path, key);
                push_segment(schema, key);
                if mark == Some(&Json::Bool(true)) {
                    if named(members, schema) {
                        unknown_members.push((key.clone(), path.clone()));
                    }
                } else if !member.is_null() {
                    map.insert(
                        CelMapKey::from(key.clone()),
                        build(member, mark, members, path, schema),
                    );
                }
                path.truncate(len.0);
                schema.truncate(len.1);
            }
            if let Some(marks) = marks {
                for (key, mark) in marks {
                    if *mark == Json::Bool(true) && !object.contains_key(key) {
                        let len = schema.len();
                        push_segment(schema, key);
                        if named(members, schema) {
                            unknown_members.push((key.clone(), join(path, key)));
                        }
                        schema.truncate(len);
                    }
                }
            }
            let known = CelMap::from(map);
            Shared::boxed(if unknown_members.is_empty() {
                Box::new(known)
            } else {
                Box::new(PartialMap {
                    known,
                    unknown: unknown_members,
                })
            })
        }
    }
}

fn push_segment(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

fn join(path: &str, key: &str) -> String {
    let mut out = path.to_owned();
    push_segment(&mut out, key);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cel::{Context, Program, Value};
    use serde_json::json;

    fn run(
        condition: &str,
        value: &Json,
        unknown: &Json,
    ) -> (Result<Value, String>, Option<String>) {
        let program = Program::compile(condition).unwrap();
        let mut context = Context::default();
        let members = ["b".to_owned(), "rules.c".to_owned()];
        context.add_variable_as_val("resource", to_val(value, Some(unknown), &members));
        Touched::reset();
        let result = program.execute(&context).map_err(|e| e.to_string());
        (result, Touched::take())
    }

    #[test]
    fn unknown_members_err_and_known_parts_decide() {
        let value =
            json!({"a": 1, "list": [null, "0.0.0.0/0"], "rules": [{"c": null}, {"c": "x"}]});
        let unknown = json!({"b": true, "list": [true, false], "rules": [{"c": true}, {}]});
        // reading or testing an unknown member fails
        let (result, touched) = run("has(resource.b)", &value, &unknown);
        assert!(result.is_err());
        assert_eq!(touched.as_deref(), Some("b"));
        // a known part decides without it
        let (result, _) = run("resource.a == 1 || resource.b == 2", &value, &unknown);
        assert_eq!(result, Ok(Value::Bool(true)));
        let (result, _) = run("resource.b == 2 && resource.a == 2", &value, &unknown);
        assert_eq!(result, Ok(Value::Bool(false)));
        // `in` on a list finds a known element, else fails
        let (result, _) = run("'0.0.0.0/0' in resource.list", &value, &unknown);
        assert_eq!(result, Ok(Value::Bool(true)));
        let (result, touched) = run("'10.0.0.0/8' in resource.list", &value, &unknown);
        assert!(result.is_err());
        assert_eq!(touched.as_deref(), Some("list[0]"));
        // a known element decides `exists()` even when another is unknown
        let (result, _) = run("resource.rules.exists(r, r.c == 'x')", &value, &unknown);
        assert_eq!(result, Ok(Value::Bool(true)));
        let (result, touched) = run("resource.rules.exists(r, r.c == 'y')", &value, &unknown);
        assert!(result.is_err());
        assert_eq!(touched.as_deref(), Some("rules[0].c"));
        // null members are left out, and so are unknown members no rule names
        let (result, _) = run(
            "has(resource.rules[0].c)",
            &json!({"rules": [{"c": null}]}),
            &json!({}),
        );
        assert_eq!(result, Ok(Value::Bool(false)));
        let (result, touched) = run("has(resource.d)", &json!({}), &json!({"d": true}));
        assert_eq!(result, Ok(Value::Bool(false)));
        assert_eq!(touched, None);
    }
}
