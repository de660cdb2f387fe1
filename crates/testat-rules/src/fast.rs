//! A direct evaluator for the common shapes of rule conditions, on the resource's JSON.
//!
//! Most conditions are field tests (`has(resource.a) && resource.a.b == true`),
//! membership (`"ALL" in c.securityContext.capabilities.drop`) and `all` / `exists`
//! over a list of blocks or containers. The CEL interpreter evaluates them after the
//! resource is converted to CEL values, and pays for name resolution and scopes on
//! every step; for the Kubernetes rules that was most of the evaluation. This module
//! walks the compiled expression over the JSON itself.
//!
//! It answers only where it is sure to give what the interpreter gives: an operation it
//! does not know, a value of a type it does not compare (numbers other than `int`,
//! mixed types), a missing member read without `has()` — anything that is an error or
//! not modelled here — makes it give up ([`None`]), and the caller runs the interpreter.
//! `&&` and `||` keep CEL's rule that one deciding side decides whatever the other
//! gives, so a condition whose other side it could not evaluate is still decided when
//! CEL would decide it. It is used only for resources without unknown parts and for
//! rules that read no linked resources.

use cel::common::ast::{CallExpr, ComprehensionExpr, Expr, IdedExpr, LiteralValue};
use serde_json::Value as Json;

use crate::functions;

/// What a condition gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// `true` or `false`.
    Bool(bool),
    /// `null`: the input does not decide.
    Null,
}

/// The variables a condition may read, from a resource's JSON.
pub(crate) struct Variables<'a> {
    /// `resource`: the values.
    resource: &'a Json,
    /// `pod`: the pod spec of a workload.
    pod: Option<&'a Json>,
    /// `containers`: every container of the pod spec (with `pod` only).
    containers: Vec<&'a Json>,
}

impl<'a> Variables<'a> {
    /// The variables of a resource of `kind` with these values. The pod spec and the
    /// containers are found as the conversion to CEL values finds them.
    pub(crate) fn of(resource: &'a Json, kind: &str) -> Self {
        let pod = testat_inputs::pod_spec(resource, kind).filter(|pod| !pod.is_null());
        let containers = pod.map_or_else(Vec::new, |pod| {
            testat_inputs::CONTAINER_LISTS
                .iter()
                .filter_map(|key| pod.get(key).and_then(Json::as_array))
                .flatten()
                .collect()
        });
        Self {
            resource,
            pod,
            containers,
        }
    }
}

/// Evaluates `expression` with `params` (when given); `None` when the interpreter must.
pub(crate) fn evaluate<'a>(
    expression: &'a IdedExpr,
    variables: &'a Variables<'a>,
    params: Option<&'a Json>,
) -> Option<Answer> {
    let mut scope = Scope {
        variables,
        params,
        bound: Vec::new(),
    };
    match scope.eval(expression)? {
        V::Bool(b) => Some(Answer::Bool(b)),
        V::Null => Some(Answer::Null),
        _ => None,
    }
}

/// A value during evaluation.
#[derive(Debug, Clone)]
enum V<'a> {
    Json(&'a Json),
    Bool(bool),
    Int(i64),
    Str(&'a str),
    Null,
    /// The elements of a list held elsewhere (`containers`).
    Refs(&'a [&'a Json]),
    /// A list literal.
    List(Vec<V<'a>>),
    /// An accumulator whose step could not be evaluated here.
    Undecided,
}

/// The elements of a list value, borrowed from it.
enum Elements<'a, 'l> {
    Json(std::slice::Iter<'a, Json>),
    Refs(std::slice::Iter<'a, &'a Json>),
    List(std::slice::Iter<'l, V<'a>>),
}

impl<'a> Iterator for Elements<'a, '_> {
    type Item = V<'a>;

    fn next(&mut self) -> Option<V<'a>> {
        match self {
            Elements::Json(items) => items.next().map(V::Json),
            Elements::Refs(items) => items.next().map(|item| V::Json(item)),
            Elements::List(items) => items.next().cloned(),
        }
    }
}

/// A scalar that can be compared.
#[derive(PartialEq, PartialOrd)]
enum Scalar<'a> {
    Bool(bool),
    Int(i64),
    Str(&'a str),
}

impl<'a> V<'a> {
    /// The value as a comparable scalar: JSON numbers count when they are `int`s.
    fn scalar(&self) -> Option<Scalar<'a>> {
        match self {
            V::Bool(b) | V::Json(Json::Bool(b)) => Some(Scalar::Bool(*b)),
            V::Int(i) => Some(Scalar::Int(*i)),
            V::Json(Json::Number(n)) => n.as_i64().map(Scalar::Int),
            V::Str(s) => Some(Scalar::Str(s)),
            V::Json(Json::String(s)) => Some(Scalar::Str(s)),
            _ => None,
        }
    }

    /// The elements, when the value is a list.
    fn elements(&self) -> Option<Elements<'a, '_>> {
        match self {
            V::Json(Json::Array(items)) => Some(Elements::Json(items.iter())),
            V::Refs(items) => Some(Elements::Refs(items.iter())),
            V::List(items) => Some(Elements::List(items.iter())),
            _ => None,
        }
    }

    fn bool(&self) -> Option<bool> {
        match self {
            V::Bool(b) | V::Json(Json::Bool(b)) => Some(*b),
            _ => None,
        }
    }
}

/// Two scalars of the same type, or nothing.
fn same_type<'a>(a: &V<'a>, b: &V<'a>) -> Option<(Scalar<'a>, Scalar<'a>)> {
    let (a, b) = (a.scalar()?, b.scalar()?);
    (std::mem::discriminant(&a) == std::mem::discriminant(&b)).then_some((a, b))
}

struct Scope<'a> {
    variables: &'a Variables<'a>,
    params: Option<&'a Json>,
    /// Comprehension variables, innermost last.
    bound: Vec<(&'a str, V<'a>)>,
}

impl<'a> Scope<'a> {
    fn eval(&mut self, expression: &'a IdedExpr) -> Option<V<'a>> {
        match &expression.expr {
            Expr::Literal(literal) => match literal {
                LiteralValue::Boolean(b) => Some(V::Bool(*b.inner())),
                LiteralValue::Int(i) => Some(V::Int(*i.inner())),
                LiteralValue::String(s) => Some(V::Str(s.inner())),
                LiteralValue::Null => Some(V::Null),
                _ => None,
            },
            Expr::Ident(name) => self.ident(name),
            Expr::Select(select) => {
                let operand = self.eval(&select.operand)?;
                let V::Json(Json::Object(members)) = operand else {
                    return None;
                };
                // Null members are absent, as in the conversion to CEL values.
                let member = members.get(&select.field).filter(|m| !m.is_null());
                if select.test {
                    Some(V::Bool(member.is_some()))
                } else {
                    member.map(V::Json)
                }
            }
            Expr::List(list) if list.optional_indices.is_empty() => list
                .elements
                .iter()
                .map(|element| self.eval(element))
                .collect::<Option<Vec<_>>>()
                .map(V::List),
            Expr::Call(call) => self.call(call),
            Expr::Comprehension(comprehension) => self.comprehension(comprehension),
            _ => None,
        }
    }

    fn ident(&self, name: &str) -> Option<V<'a>> {
        if let Some((_, value)) = self.bound.iter().rev().find(|(bound, _)| *bound == name) {
            return Some(value.clone());
        }
        let variables = self.variables;
        match name {
            "resource" => Some(V::Json(variables.resource)),
            "pod" => variables.pod.map(V::Json),
            "containers" => variables.pod.map(|_| V::Refs(&variables.containers)),
            "params" => self.params.map(V::Json),
            _ => None,
        }
    }

    fn call(&mut self, call: &'a CallExpr) -> Option<V<'a>> {
        let args = &call.args;
        match (
            call.func_name.as_str(),
            call.target.as_deref(),
            args.as_slice(),
        ) {
            ("_&&_", None, [a, b]) => {
                let (a, b) = (self.truth(a), self.truth(b));
                match (a, b) {
                    (Some(false), _) | (_, Some(false)) => Some(V::Bool(false)),
                    (Some(true), Some(true)) => Some(V::Bool(true)),
                    _ => None,
                }
            }
            ("_||_", None, [a, b]) => {
                let (a, b) = (self.truth(a), self.truth(b));
                match (a, b) {
                    (Some(true), _) | (_, Some(true)) => Some(V::Bool(true)),
                    (Some(false), Some(false)) => Some(V::Bool(false)),
                    _ => None,
                }
            }
            ("!_", None, [a]) => self.truth(a).map(|b| V::Bool(!b)),
            // An error counts as "not false": the comprehension goes on.
            ("@not_strictly_false", None, [a]) => Some(V::Bool(self.truth(a) != Some(false))),
            ("_?_:_", None, [condition, then, otherwise]) => {
                if self.truth(condition)? {
                    self.eval(then)
                } else {
                    self.eval(otherwise)
                }
            }
            ("_==_" | "_!=_", None, [a, b]) => {
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                let (a, b) = same_type(&a, &b)?;
                Some(V::Bool((a == b) == (call.func_name == "_==_")))
            }
            ("_<_" | "_<=_" | "_>_" | "_>=_", None, [a, b]) => {
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                let (Scalar::Int(a), Scalar::Int(b)) = same_type(&a, &b)? else {
                    return None;
                };
                Some(V::Bool(match call.func_name.as_str() {
                    "_<_" => a < b,
                    "_<=_" => a <= b,
                    "_>_" => a > b,
                    _ => a >= b,
                }))
            }
            ("@in", None, [item, collection]) => {
                let (item, collection) = (self.eval(item)?, self.eval(collection)?);
                if let V::Json(Json::Object(members)) = collection {
                    let key = match item {
                        V::Str(s) => s,
                        V::Json(Json::String(s)) => s.as_str(),
                        _ => return None,
                    };
                    return Some(V::Bool(members.get(key).is_some_and(|m| !m.is_null())));
                }
                let mut found = false;
                for element in collection.elements()? {
                    let (a, b) = same_type(&item, &element)?;
                    found |= a == b;
                }
                Some(V::Bool(found))
            }
            ("size", None, [a]) | ("size", Some(a), []) => {
                let size = match self.eval(a)? {
                    V::Json(Json::Array(items)) => items.len(),
                    V::Json(Json::Object(members)) => {
                        members.values().filter(|m| !m.is_null()).count()
                    }
                    V::Json(Json::String(s)) => s.chars().count(),
                    V::Str(s) => s.chars().count(),
                    V::Refs(items) => items.len(),
                    V::List(items) => items.len(),
                    _ => return None,
                };
                i64::try_from(size).ok().map(V::Int)
            }
            ("startsWith" | "endsWith" | "contains", Some(target), [argument]) => {
                let (target, argument) = (self.eval(target)?, self.eval(argument)?);
                let (Scalar::Str(s), Scalar::Str(part)) = same_type(&target, &argument)? else {
                    return None;
                };
                Some(V::Bool(match call.func_name.as_str() {
                    "startsWith" => s.starts_with(part),
                    "endsWith" => s.ends_with(part),
                    _ => s.contains(part),
                }))
            }
            ("_+_", None, [a, b]) => {
                // Lists only: `int` addition may overflow, which is an error in CEL.
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                Some(V::List(a.elements()?.chain(b.elements()?).collect()))
            }
            ("matches", Some(text), [pattern]) => {
                let (text, pattern) = (self.eval(text)?, self.eval(pattern)?);
                let (Scalar::Str(text), Scalar::Str(pattern)) = same_type(&text, &pattern)? else {
                    return None;
                };
                functions::matches(text, pattern).ok().map(V::Bool)
            }
            ("cidr_is_world" | "cidr_is_public", None, [source]) => {
                let Scalar::Str(source) = self.eval(source)?.scalar()? else {
                    return None;
                };
                Some(V::Bool(if call.func_name == "cidr_is_world" {
                    functions::cidr_is_world(source)
                } else {
                    functions::cidr_is_public(source)
                }))
            }
            ("port_in", None, [spec, port]) => {
                let (spec, port) = (self.eval(spec)?.scalar()?, self.eval(port)?.scalar()?);
                let (Scalar::Str(spec), Scalar::Int(port)) = (spec, port) else {
                    return None;
                };
                Some(V::Bool(functions::port_in(spec, port)))
            }
            ("range_has_port", None, [from, to, port]) => {
                let from = self.eval(from)?.scalar()?;
                let to = self.eval(to)?.scalar()?;
                let port = self.eval(port)?.scalar()?;
                let (Scalar::Int(from), Scalar::Int(to), Scalar::Int(port)) = (from, to, port)
                else {
                    return None;
                };
                Some(V::Bool(functions::range_has_port(from, to, port)))
            }
            _ => None,
        }
    }

    /// A condition's truth value, `None` when it is not a boolean or not evaluated.
    fn truth(&mut self, expression: &'a IdedExpr) -> Option<bool> {
        self.eval(expression)?.bool()
    }

    fn comprehension(&mut self, comprehension: &'a ComprehensionExpr) -> Option<V<'a>> {
        if comprehension.iter_var2.is_some() {
            return None;
        }
        let range = self.eval(&comprehension.iter_range)?;
        let items = range.elements()?;
        let accu = self.eval(&comprehension.accu_init)?;
        let depth = self.bound.len();
        self.bound.push((&comprehension.accu_var, accu));
        let mut value = Some(());
        for item in items {
            match self.truth(&comprehension.loop_cond) {
                Some(true) => {}
                Some(false) => break,
                None => {
                    value = None;
                    break;
                }
            }
            self.bound.push((&comprehension.iter_var, item));
            // A step this module cannot evaluate leaves the accumulator undecided; a
            // later step may still decide it (`? && false` is false), as the
            // interpreter's deferred errors do.
            let step = self.eval(&comprehension.loop_step).unwrap_or(V::Undecided);
            self.bound.truncate(depth + 1);
            if let Some(accu) = self.bound.get_mut(depth) {
                accu.1 = step;
            }
        }
        let result = value.and_then(|()| self.eval(&comprehension.result));
        self.bound.truncate(depth);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn direct(condition: &str, resource: &Json) -> Option<Answer> {
        let program = cel::Program::compile(condition).unwrap();
        let variables = Variables::of(resource, "Deployment");
        evaluate(
            program.expression(),
            &variables,
            Some(&json!({"allowed": ["a"]})),
        )
    }

    fn deployment() -> Json {
        json!({
            "metadata": {"name": "web", "namespace": null},
            "spec": {"template": {"spec": {
                "containers": [
                    {"name": "a", "securityContext": {"privileged": false}, "ports": [{"hostPort": 80}]},
                    {"name": "b", "image": "x:1"}
                ],
                "initContainers": [{"name": "init"}]
            }}}
        })
    }

    #[test]
    fn decides_the_common_shapes() {
        let d = deployment();
        let yes = Some(Answer::Bool(true));
        let no = Some(Answer::Bool(false));
        assert_eq!(direct("size(containers) == 3", &d), yes);
        assert_eq!(direct("containers.exists(c, c.name == 'init')", &d), yes);
        assert_eq!(
            direct(
                "containers.all(c, !has(c.securityContext) || c.securityContext.privileged != true)",
                &d
            ),
            yes
        );
        assert_eq!(
            direct(
                "containers.exists(c, has(c.ports) && c.ports.exists(p, p.hostPort == 80))",
                &d
            ),
            yes
        );
        assert_eq!(
            direct("'a' in params.allowed && !('b' in params.allowed)", &d),
            yes
        );
        assert_eq!(
            direct("containers[0].name == 'a'", &d),
            None,
            "indexing is the interpreter's"
        );
        // null members are absent
        assert_eq!(direct("has(resource.metadata.namespace)", &d), no);
        assert_eq!(
            direct("has(resource.metadata.namespace) ? true : null", &d),
            Some(Answer::Null)
        );
        assert_eq!(
            direct("containers.all(c, c.image.matches(':[0-9]+$'))", &d),
            None
        );
        assert_eq!(
            direct(
                "containers.exists(c, has(c.image) && c.image.matches(':[0-9]+$'))",
                &d
            ),
            yes
        );
    }

    #[test]
    fn leaves_errors_and_unknown_shapes_to_the_interpreter() {
        let d = deployment();
        // reading a missing member is an error
        assert_eq!(direct("resource.metadata.labels == {}", &d), None);
        assert_eq!(direct("resource.metadata.labels.app == 'x'", &d), None);
        // comparing values of different types, and doubles
        assert_eq!(direct("resource.metadata.name == 1", &d), None);
        assert_eq!(direct("size(containers) == 3.0", &d), None);
        // unknown functions and variables
        assert_eq!(direct("meta.kind == 'Deployment'", &d), None);
        assert_eq!(
            direct("resource.metadata.name.lowerAscii() == 'web'", &d),
            None
        );
    }

    #[test]
    fn a_deciding_side_decides_as_in_cel() {
        let d = deployment();
        // `false && error` is false and `true || error` is true, in either order
        assert_eq!(
            direct("resource.nope == 1 && false", &d),
            Some(Answer::Bool(false))
        );
        assert_eq!(
            direct("true || resource.nope == 1", &d),
            Some(Answer::Bool(true))
        );
        assert_eq!(direct("resource.nope == 1 && true", &d), None);
        // a later element decides a comprehension over an erring one
        assert_eq!(
            direct("containers.exists(c, c.image == 'x:1')", &d),
            Some(Answer::Bool(true)),
            "`a` has no image (an error), `b` decides"
        );
        assert_eq!(direct("containers.all(c, c.image == 'x:1')", &d), None);
        assert_eq!(
            direct("containers.all(c, c.image != 'x:1')", &d),
            Some(Answer::Bool(false))
        );
    }
}
