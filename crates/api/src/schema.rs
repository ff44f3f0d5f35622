//! OpenAPI schemas of the fields that serde reads as any JSON value (the server checks them
//! itself, to answer PlantDB's spellings and to word its refusals), and of [`crate::ErrorCode`].

use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type,
};
use utoipa::openapi::RefOr;

use crate::ErrorCode;

fn typed(ty: Type, description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(ty)
        .description(Some(description))
}

/// `api_version`: a string or a number.
pub(crate) fn string_or_number() -> Schema {
    OneOfBuilder::new()
        .item(typed(Type::String, "the version as a string"))
        .item(typed(Type::Number, "the version as a number"))
        .description(Some("The API version the key is for (default \"1\")"))
        .into()
}

/// `bind_ip`: `true`, `false` or an address.
pub(crate) fn bind_ip() -> Schema {
    OneOfBuilder::new()
        .item(typed(
            Type::Boolean,
            "true: bind to the caller's address; false: unbound",
        ))
        .item(typed(Type::String, "an IPv4 or IPv6 address to bind to"))
        .description(Some("What address the key is bound to (absent: unbound)"))
        .into()
}

/// A lifetime in seconds above 0 (fractions are rounded up).
pub(crate) fn seconds() -> Schema {
    typed(
        Type::Number,
        "Seconds, above 0; anything else is refused with 400 `bad_request`",
    )
    .exclusive_minimum(Some(0))
    .into()
}

/// A permission, or a non-empty list of them, as PlantDB sends them.
pub(crate) fn permissions() -> Schema {
    let one = || {
        typed(
            Type::String,
            "`read`, `write`, `create`, `delete`, `manage_users` or `manage_groups`, in any \
             case, or as `Permission.READ`",
        )
    };
    OneOfBuilder::new()
        .item(ArrayBuilder::new().items(one()).min_items(Some(1)))
        .item(one())
        .description(Some(
            "Permissions; a lone one counts as a list of one. An unknown permission is a 400",
        ))
        .into()
}

/// PlantDB's `datasets`: dataset pattern to permissions.
pub(crate) fn datasets() -> Schema {
    typed(
        Type::Object,
        "Dataset glob patterns (1 to 100) to the permissions on them; empty or malformed → 400",
    )
    .additional_properties(Some(AdditionalProperties::RefOr(RefOr::T(permissions()))))
    .into()
}

impl utoipa::PartialSchema for ErrorCode {
    fn schema() -> RefOr<Schema> {
        typed(
            Type::String,
            "Stable machine code of the error (a client should read an unknown one as unknown, \
             not fail)",
        )
        .enum_values(Some(Self::ALL.iter().map(ErrorCode::as_str)))
        .into()
    }
}

impl utoipa::ToSchema for ErrorCode {}
