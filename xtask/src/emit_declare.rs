//! Generates the resource table of the declarative engine (`crates/openrouter-mgmt-declare/src/generated/
//! resources.rs`) from the overlay's `declare:` section and the spec: per kind its operations, identity and
//! references, and its managed fields with the comparator their schema implies and whether each is in the create
//! body, the update body or both (a create-only field forces a replacement); and the typed dispatch that builds
//! each kind's list, create, update and delete operation from untyped arguments and sends it through the facade.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::error::{Result, SpecError};
use crate::json_pointer::{parse_component_ref, ref_of};
use crate::operation_model::OperationModel;
use crate::overlay::{DeclareKind, Overlay};
use crate::rust_types::Structs;

/// The file's name inside the declarative crate's `src/generated/` folder.
pub const RESOURCES_RS: &str = "resources.rs";

/// The comparators a field can have (the runtime's `Compare` variants, in snake_case).
const COMPARATORS: &[(&str, &str)] = &[
    ("set", "Set"),
    ("list", "List"),
    ("number", "Number"),
    ("instant", "Instant"),
    ("text", "Text"),
    ("bool", "Bool"),
    ("json", "Json"),
    ("subset", "Subset"),
    ("url", "Url"),
];

/// The resource table, or `None` when the overlay has no `declare:` section.
pub fn resources(
    ops: &[OperationModel],
    structs: &Structs,
    merged: &Value,
    overlay: &Overlay,
) -> Result<Option<TokenStream>> {
    if overlay.declare.is_empty() {
        return Ok(None);
    }
    let find = |kind: &str, id: &str| {
        ops.iter().find(|o| o.operation_id == id).ok_or_else(|| {
            SpecError::new(format!(
                "declare.{kind} names operation `{id}`, which no file under openapi/ defines"
            ))
        })
    };
    let mut entries = Vec::new();
    let mut arms = Vec::new();
    let mut check_arms = Vec::new();
    for (kind, entry) in &overlay.declare {
        let list = find(kind, &entry.list)?;
        let create = find(kind, &entry.create)?;
        let update = find(kind, &entry.update)?;
        let delete = find(kind, &entry.delete)?;
        let fields = fields(kind, entry, create, update, merged, overlay)?;
        let id_param = match (update.path_params.as_slice(), delete.path_params.as_slice()) {
            ([u], [d]) if u.wire == d.wire => u.wire.clone(),
            _ => {
                return Err(SpecError::new(format!(
                    "declare.{kind}: `{}` and `{}` must take the object's id as their one path parameter",
                    entry.update, entry.delete
                )));
            }
        };
        check_names(kind, entry, &fields, overlay)?;
        entries.push(kind_tokens(&KindModel {
            kind,
            entry,
            fields: &fields,
            id_param: &id_param,
            secret_keys: &nested_secret_keys(merged, overlay, create, list),
            secret_output: crate::emit_cli::secret_output(create, structs, overlay),
        }));
        let get = entry.get.as_deref().map(|g| find(kind, g)).transpose()?;
        for (verb, op) in [
            ("List", list),
            ("Create", create),
            ("Update", update),
            ("Delete", delete),
        ]
        .into_iter()
        .chain(get.map(|g| ("Get", g)))
        {
            arms.push(dispatch_arm(kind, verb, op));
            if verb == "Create" || verb == "Update" {
                check_arms.push(check_arm(kind, verb, op));
            }
        }
    }
    let count = entries.len();
    Ok(Some(quote! {
        //! The resource table: every kind the desired-state file declares, with its operations, identity,
        //! references and managed fields (from the create and update bodies of the spec, and the overlay's
        //! `declare:` section), and the typed dispatch that sends each kind's operations through the facade.

        use openrouter_mgmt::{Client, OperationId, ops};

        use crate::call::{Answer, CallError, Input, check, send, send_list, walk};
        use crate::table::{Assignment, Compare, FieldSpec, KindSpec, Reference, Verb};

        /// Every declarable kind, by name.
        pub(crate) static KINDS: [KindSpec; #count] = [#(#entries),*];

        /// Sends `verb` of `kind` with `input` through the facade's engine.
        pub(crate) async fn call(
            client: &Client,
            kind: &str,
            verb: Verb,
            input: &Input,
        ) -> Result<Answer, CallError> {
            match (kind, verb) {
                #(#arms)*
                _ => Err(CallError::NoOperation(kind.to_owned(), verb)),
            }
        }

        /// Builds `verb` of `kind` with `input` and checks it against the spec's constraints, sending nothing.
        pub(crate) fn validate(kind: &str, verb: Verb, input: &Input) -> Result<(), CallError> {
            match (kind, verb) {
                #(#check_arms)*
                _ => Err(CallError::NoOperation(kind.to_owned(), verb)),
            }
        }
    }))
}

/// One managed field.
struct Field {
    name: String,
    create: bool,
    update: bool,
    compare: &'static str,
    nullable: bool,
    secret: bool,
    masked_by: Option<String>,
}

fn body_properties<'a>(
    merged: &'a Value,
    op: &OperationModel,
) -> Result<(String, &'a serde_json::Map<String, Value>)> {
    let body = op
        .body
        .clone()
        .ok_or_else(|| SpecError::new(format!("`{}` has no request body", op.operation_id)))?;
    let schema = crate::spec_query::schema_after_hoisting(merged, &body)
        .ok_or_else(|| SpecError::new(format!("no schema for request body `{body}`")))?;
    let schema = resolve(merged, schema, 0);
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .ok_or_else(|| SpecError::new(format!("request body `{body}` has no properties")))?;
    Ok((body, properties))
}

fn fields(
    kind: &str,
    entry: &DeclareKind,
    create: &OperationModel,
    update: &OperationModel,
    merged: &Value,
    overlay: &Overlay,
) -> Result<Vec<Field>> {
    let (create_body, created) = body_properties(merged, create)?;
    let (update_body, updated) = body_properties(merged, update)?;
    let mut names: Vec<&String> = created.keys().chain(updated.keys()).collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        if entry.unmanaged.contains_key(name) {
            continue;
        }
        let schema = created
            .get(name)
            .or_else(|| updated.get(name))
            .unwrap_or(&Value::Null);
        let compare = match entry.compare.get(name) {
            Some(o) => COMPARATORS
                .iter()
                .find(|(n, _)| *n == o.compare)
                .map(|(n, _)| *n)
                .ok_or_else(|| {
                    SpecError::new(format!(
                        "declare.{kind}.compare.{name}: unknown comparator `{}`",
                        o.compare
                    ))
                })?,
            None => comparator(merged, schema),
        };
        let nullable = [created.get(name), updated.get(name)]
            .into_iter()
            .flatten()
            .any(|s| crate::spec_query::accepts_null(merged, s) || any_of_null(merged, s));
        out.push(Field {
            name: name.clone(),
            create: created.contains_key(name),
            update: updated.contains_key(name) && !entry.create_only.contains_key(name),
            compare,
            nullable,
            secret: overlay.is_secret(&create_body, name) || overlay.is_secret(&update_body, name),
            masked_by: entry.masked.get(name).cloned(),
        });
    }
    Ok(out)
}

/// Overlay names that must be fields, and fields that must not clash with the file's own attributes.
fn check_names(kind: &str, entry: &DeclareKind, fields: &[Field], overlay: &Overlay) -> Result<()> {
    let has = |n: &str| fields.iter().any(|f| f.name == n);
    let fail = |m: String| Err(SpecError::new(format!("declare.{kind}: {m}")));
    for n in entry.natural.iter().chain([&entry.address_field]) {
        if !has(n) {
            return fail(format!("`{n}` is not a managed body field"));
        }
    }
    for n in entry.create_only.keys() {
        if !has(n) {
            return fail(format!(
                "create_only names `{n}`, which is not a managed body field"
            ));
        }
    }
    for n in entry.masked.keys() {
        if !fields.iter().any(|f| &f.name == n && f.secret) {
            return fail(format!(
                "masked names `{n}`, which is not a secret body field"
            ));
        }
    }
    for n in entry.compare.keys() {
        if !has(n) {
            return fail(format!(
                "compare names `{n}`, which is not a managed body field"
            ));
        }
    }
    for (attribute, r) in &entry.references {
        if !has(&r.field) {
            return fail(format!(
                "reference `{attribute}` names field `{}`, which no body has",
                r.field
            ));
        }
        if !overlay.declare.contains_key(&r.kind) {
            return fail(format!(
                "reference `{attribute}` names kind `{}`, which is not declared",
                r.kind
            ));
        }
    }
    if let Some(a) = &entry.assignment
        && !overlay.declare.contains_key(&a.kind)
    {
        return fail(format!(
            "assignment names kind `{}`, which is not declared",
            a.kind
        ));
    }
    for reserved in ["protect", "on_delete", &entry.id] {
        if entry.references.contains_key(reserved)
            || entry
                .assignment
                .as_ref()
                .is_some_and(|a| a.attribute == reserved)
        {
            return fail(format!("`{reserved}` is an attribute of every object"));
        }
    }
    Ok(())
}

/// Property names of secrets nested in a kind's objects (a destination config's `apiKey`): every overlay secret
/// `Type.property` whose type is a schema reachable from the create body or the list's items (not the create's
/// answer: its secret is the created object's own, see `secret_output`).
fn nested_secret_keys(
    merged: &Value,
    overlay: &Overlay,
    create: &OperationModel,
    list: &OperationModel,
) -> Vec<String> {
    fn walk<'a>(merged: &'a Value, schema: &'a Value, seen: &mut Vec<&'a Value>, depth: usize) {
        if depth > 24 || seen.iter().any(|s| std::ptr::eq(*s, schema)) {
            return;
        }
        seen.push(schema);
        if let Some(target) = ref_of(schema)
            .and_then(parse_component_ref)
            .and_then(|(kind, name)| merged.pointer(&crate::json_pointer::component(&kind, &name)))
        {
            walk(merged, target, seen, depth + 1);
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            for part in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                walk(merged, part, seen, depth + 1);
            }
        }
        for child in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            walk(merged, child.1, seen, depth + 1);
        }
        for key in ["items", "additionalProperties"] {
            if let Some(child) = schema.get(key).filter(|c| c.is_object()) {
                walk(merged, child, seen, depth + 1);
            }
        }
    }
    let mut seen = Vec::new();
    for name in create.body.iter().chain(list.response.iter()) {
        if let Some(schema) = crate::spec_query::schema_after_hoisting(merged, name) {
            walk(merged, schema, &mut seen, 0);
        }
    }
    let top: Vec<&str> = create.body.iter().map(String::as_str).collect();
    let mut keys: Vec<String> = overlay
        .secrets
        .iter()
        .filter_map(|s| s.field.split_once('.'))
        .filter(|(ty, _)| !top.contains(ty))
        .filter(|(ty, _)| {
            crate::spec_query::schema_by_type_name(merged, ty)
                .is_some_and(|schema| seen.iter().any(|s| std::ptr::eq(*s, schema)))
        })
        .map(|(_, property)| property.to_owned())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Follows `$ref`s and single-member `allOf`s to the schema that says what a value is.
fn resolve<'a>(merged: &'a Value, schema: &'a Value, depth: usize) -> &'a Value {
    if depth > 16 {
        return schema;
    }
    if let Some(target) = ref_of(schema)
        .and_then(parse_component_ref)
        .and_then(|(kind, name)| merged.pointer(&crate::json_pointer::component(&kind, &name)))
    {
        return resolve(merged, target, depth + 1);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(parts) = schema.get(key).and_then(Value::as_array) {
            let meaningful: Vec<&Value> = parts
                .iter()
                .filter(|p| p.get("type").and_then(Value::as_str) != Some("null"))
                .filter(|p| {
                    [
                        "type",
                        "$ref",
                        "allOf",
                        "anyOf",
                        "oneOf",
                        "enum",
                        "properties",
                        "items",
                    ]
                    .iter()
                    .any(|k| p.get(*k).is_some())
                })
                .collect();
            if meaningful.len() == 1 {
                return resolve(merged, meaningful[0], depth + 1);
            }
        }
    }
    schema
}

/// A schema written `anyOf: [X, {type: null}]` accepts `null` too.
fn any_of_null(merged: &Value, schema: &Value) -> bool {
    let schema = match ref_of(schema)
        .and_then(parse_component_ref)
        .and_then(|(kind, name)| merged.pointer(&crate::json_pointer::component(&kind, &name)))
    {
        Some(target) => target,
        None => schema,
    };
    ["anyOf", "oneOf"].iter().any(|k| {
        schema
            .get(*k)
            .and_then(Value::as_array)
            .is_some_and(|parts| {
                parts.iter().any(|p| {
                    p.get("type").and_then(Value::as_str) == Some("null")
                        || p.get("nullable") == Some(&Value::Bool(true))
                })
            })
    })
}

/// The comparator a field's schema implies: order-insensitive sets for lists of scalars, ordered lists for lists
/// of objects, numeric equality for numbers, instants for date-times, and exact equality otherwise.
fn comparator(merged: &Value, schema: &Value) -> &'static str {
    let schema = resolve(merged, schema, 0);
    let ty = schema.get("type").and_then(Value::as_str);
    match ty {
        Some("array") => {
            let items = schema.get("items").map(|i| resolve(merged, i, 0));
            let scalar = items
                .and_then(|i| i.get("type").and_then(Value::as_str))
                .is_some_and(|t| matches!(t, "string" | "number" | "integer" | "boolean"));
            if scalar { "set" } else { "list" }
        }
        Some("number" | "integer") => "number",
        Some("boolean") => "bool",
        Some("string") if schema.get("format").and_then(Value::as_str) == Some("date-time") => {
            "instant"
        }
        Some("string") => "text",
        _ if schema.get("enum").is_some() => "text",
        _ => "json",
    }
}

/// What one kind's table entry is made of.
struct KindModel<'a> {
    kind: &'a str,
    entry: &'a DeclareKind,
    fields: &'a [Field],
    id_param: &'a str,
    secret_keys: &'a [String],
    secret_output: Option<String>,
}

fn kind_tokens(model: &KindModel<'_>) -> TokenStream {
    let KindModel {
        kind,
        entry,
        fields,
        id_param,
        secret_keys,
        ..
    } = model;
    let table = &entry.table;
    let id = &entry.id;
    let natural = &entry.natural;
    let address_field = &entry.address_field;
    let scope_param = option_str(entry.scope_param.as_deref());
    let detailed = entry.get.is_some();
    let variant = |op: &str| {
        let camel = heck::ToUpperCamelCase::to_upper_camel_case(op);
        format_ident!("{}", camel)
    };
    let (list, create_v, update, delete) = (
        variant(&entry.list),
        variant(&entry.create),
        variant(&entry.update),
        variant(&entry.delete),
    );
    let list_query: Vec<TokenStream> = entry
        .list_query
        .iter()
        .map(|(k, v)| {
            let v = v.to_string();
            quote!((#k, #v))
        })
        .collect();
    let references: Vec<TokenStream> = entry
        .references
        .iter()
        .map(|(attribute, r)| {
            let (field, kind, many) = (&r.field, &r.kind, r.many);
            quote!(Reference { attribute: #attribute, field: #field, kind: #kind, many: #many })
        })
        .collect();
    let assignment = match &entry.assignment {
        Some(a) => {
            let (attribute, kind) = (&a.attribute, &a.kind);
            quote!(Some(Assignment { attribute: #attribute, kind: #kind }))
        }
        None => quote!(None),
    };
    let secret_output = option_str(model.secret_output.as_deref());
    let fields: Vec<TokenStream> = fields
        .iter()
        .map(|f| {
            let Field {
                name,
                create,
                update,
                nullable,
                secret,
                ..
            } = f;
            let masked_by = option_str(f.masked_by.as_deref());
            let compare = format_ident!(
                "{}",
                COMPARATORS
                    .iter()
                    .find(|(n, _)| *n == f.compare)
                    .map_or("Json", |(_, v)| *v)
            );
            quote!(FieldSpec {
                name: #name,
                create: #create,
                update: #update,
                compare: Compare::#compare,
                nullable: #nullable,
                secret: #secret,
                masked_by: #masked_by,
            })
        })
        .collect();
    quote! {
        KindSpec {
            name: #kind,
            table: #table,
            id: #id,
            id_param: #id_param,
            natural: &[#(#natural),*],
            address_field: #address_field,
            scope_param: #scope_param,
            list_query: &[#(#list_query),*],
            references: &[#(#references),*],
            assignment: #assignment,
            secret_output: #secret_output,
            secret_keys: &[#(#secret_keys),*],
            fields: &[#(#fields),*],
            detailed: #detailed,
            list: OperationId::#list,
            create: OperationId::#create_v,
            update: OperationId::#update,
            delete: OperationId::#delete,
        }
    }
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

fn check_arm(kind: &str, verb: &str, op: &OperationModel) -> TokenStream {
    let variant = format_ident!("{}", op.type_name);
    let verb_ident = format_ident!("{}", verb);
    let fields = crate::emit_cli::operation_fields(op);
    quote! {
        (#kind, Verb::#verb_ident) => check(&ops::#variant { #(#fields),* }),
    }
}

fn dispatch_arm(kind: &str, verb: &str, op: &OperationModel) -> TokenStream {
    let variant = format_ident!("{}", op.type_name);
    let verb_ident = format_ident!("{}", verb);
    let fields = crate::emit_cli::operation_fields(op);
    let call = if verb == "List" && op.paging.is_some() {
        quote!(walk(client, operation).await)
    } else if verb == "List" {
        quote!(send_list(client, operation).await)
    } else {
        quote!(send(client, operation).await)
    };
    quote! {
        (#kind, Verb::#verb_ident) => {
            let operation = ops::#variant { #(#fields),* };
            #call
        }
    }
}
