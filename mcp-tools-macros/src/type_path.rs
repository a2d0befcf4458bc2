//! Reading a type by its path, the only view of a type a macro has.

use syn::{GenericArgument, Ident, PathArguments, PathSegment, Type, TypePath};

/// The last segment of a path type (`Caller` in `mcp_tools::Caller`), looking
/// through parentheses and the invisible groups of `macro_rules!` expansions.
pub(crate) fn last_segment(ty: &Type) -> Option<&PathSegment> {
    match ty {
        Type::Path(TypePath { qself: None, path }) => path.segments.last(),
        Type::Group(group) => last_segment(&group.elem),
        Type::Paren(paren) => last_segment(&paren.elem),
        _ => None,
    }
}

/// The name of a path type, without its module or generic arguments.
pub(crate) fn last_ident(ty: &Type) -> Option<&Ident> {
    last_segment(ty).map(|s| &s.ident)
}

/// The first type among a segment's generic arguments (`T` in `Vec<T>`).
pub(crate) fn first_type_argument(segment: &PathSegment) -> Option<&Type> {
    match &segment.arguments {
        PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}
