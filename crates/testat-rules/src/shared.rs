//! CEL maps and lists behind an `Arc`, so that copying one is cheap.
//!
//! The interpreter copies a value whenever it needs to own one it only borrows: every
//! element a comprehension (`containers.all(c, …)`) binds to its variable, every
//! variable put into a list literal. A copy of CEL's own map or list copies the whole
//! tree under it, which made those copies the largest single cost of evaluating the
//! Kubernetes rules. A [`Shared`] value answers every question by asking the value it
//! holds (maps and lists know `+`, comparisons, `in`, indexing, iteration, `size` and
//! the zero test; the arithmetic operators are not theirs), and its copy is a reference
//! count.

use std::any::Any;
use std::sync::Arc;

use cel::common::traits::{Adder, Comparer, Container, Indexer, Iterable, Sizer, Zeroer};
use cel::common::types::{CelList, CelString, DYN_TYPE, Type};
use cel::common::value::{Builtin, BuiltinRef, Val};

/// A value shared by every variable and element that holds it.
#[derive(Debug, Clone)]
pub(crate) struct Shared(Arc<dyn Val>);

impl Shared {
    /// Shares `value`.
    pub(crate) fn boxed(value: Box<dyn Val>) -> Box<dyn Val> {
        Box::new(Self(Arc::from(value)))
    }
}

impl Val for Shared {
    fn get_type(&self) -> &Type {
        self.0.get_type()
    }

    fn cel_type() -> &'static Type {
        // A map or a list: which one, `get_type` tells.
        &DYN_TYPE
    }

    fn as_adder<'b, 'w>(&'b self) -> Option<&'b (dyn Adder + 'w)>
    where
        Self: 'w,
    {
        self.0.as_adder()
    }

    fn as_comparer(&self) -> Option<&dyn Comparer> {
        self.0.as_comparer()
    }

    fn as_container(&self) -> Option<&dyn Container> {
        self.0.as_container()
    }

    fn as_indexer<'b, 'w>(&'b self) -> Option<&'b (dyn Indexer + 'w)>
    where
        Self: 'w,
    {
        self.0.as_indexer()
    }

    fn as_iterable<'b, 'w>(&'b self) -> Option<&'b (dyn Iterable + 'w)>
    where
        Self: 'w,
    {
        self.0.as_iterable()
    }

    fn as_sizer(&self) -> Option<&dyn Sizer> {
        self.0.as_sizer()
    }

    fn as_zeroer(&self) -> Option<&dyn Zeroer> {
        self.0.as_zeroer()
    }

    fn equals(&self, other: &dyn Val) -> bool {
        self.0.equals(other)
    }

    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v> {
        Box::new(self.clone())
    }

    fn as_any(&self) -> Option<&dyn Any> {
        self.0.as_any()
    }

    fn as_builtin<'b, 'v>(&'b self) -> BuiltinRef<'b, 'v>
    where
        Self: 'v,
    {
        self.0.as_builtin()
    }

    fn into_builtin<'v>(self: Box<Self>) -> Option<Builtin<'v>>
    where
        Self: 'v,
    {
        // The value may be held elsewhere too: give away a copy.
        self.0.clone_as_boxed().into_builtin()
    }
}

/// The member `key` of a map, copied (cheaply, when it is shared).
pub(crate) fn member(value: &(dyn Val + 'static), key: &str) -> Option<Box<dyn Val>> {
    let member = value.as_indexer()?.get(&CelString::from(key)).ok()?;
    Some(member.into_owned())
}

/// The member at `path` under `value`, copied.
pub(crate) fn member_at(value: &(dyn Val + 'static), path: &[&str]) -> Option<Box<dyn Val>> {
    let (first, rest) = path.split_first()?;
    let mut current = member(value, first)?;
    for key in rest {
        current = member(current.as_ref(), key)?;
    }
    Some(current)
}

/// The elements of a list (copied), nothing when `value` is not a list.
pub(crate) fn elements(value: &(dyn Val + 'static)) -> Vec<Box<dyn Val>> {
    value
        .downcast_ref::<CelList>()
        .map_or(&[][..], |list| list.inner())
        .iter()
        .map(|element| element.clone_as_boxed())
        .collect()
}
