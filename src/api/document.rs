//! What the OpenAPI document needs beyond the handlers' annotations: a description on every
//! response (OpenAPI 3.1 requires one), the error body that every operation may answer, and
//! operation ids unique across areas (a handler's name, `list`, is only unique in its module).

use utoipa::{
    PartialSchema, ToSchema,
    openapi::{OpenApi, RefOr, content::Content, path::Operation, response::ResponseBuilder},
};

use crate::error::ErrorBody;

/// A file sent as the multipart part `file` (a convention's document).
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "describes multipart parts for the document; handlers read the parts one by one"
)]
pub struct FileUpload {
    /// The file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// A ticket's attachment as multipart parts: `file`, with an optional comment in `body`, and
/// `private` (`true`, provider side only).
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "describes multipart parts for the document; handlers read the parts one by one"
)]
pub struct LogUpload {
    /// The file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// A comment that goes with it.
    body: Option<String>,
    /// `true` for the private log (provider side).
    private: Option<bool>,
}

/// Completes the document the routers produced.
pub fn complete(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    let mut schemas = vec![(ErrorBody::name().into_owned(), ErrorBody::schema())];
    ErrorBody::schemas(&mut schemas);
    // Named only by a path parameter, which utoipa does not collect from: added here, or the
    // parameter's `$ref` would point at nothing.
    schemas.push((
        crate::services::releases::ReleaseAction::name().into_owned(),
        crate::services::releases::ReleaseAction::schema(),
    ));
    components.schemas.extend(schemas);
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            complete_operation(operation);
        }
    }
}

fn complete_operation(operation: &mut Operation) {
    // `tickets_create`, `faqs_list`: unique, and what a generated client names its functions.
    if let (Some(id), Some(tag)) = (
        &mut operation.operation_id,
        operation.tags.as_ref().and_then(|t| t.first()),
    ) {
        *id = format!("{}_{id}", tag.replace('-', "_"));
    }
    for (status, response) in &mut operation.responses.responses {
        let RefOr::T(response) = response else {
            continue;
        };
        if response.description.is_empty() {
            meaning(status).clone_into(&mut response.description);
        }
        let error = status.starts_with('4') || status.starts_with('5');
        if error && response.content.is_empty() {
            response
                .content
                .insert("application/json".to_owned(), RefOr::T(error_content()));
        }
    }
    // Any status not listed (a malformed body's 400, a missing token's 401, a full body's 413,
    // an overloaded server's 503…) still comes as the error body.
    operation
        .responses
        .responses
        .entry("default".to_owned())
        .or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description("Another error, told in the error body")
                    .content("application/json", error_content())
                    .build(),
            )
        });
}

fn error_content() -> Content {
    Content::new(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
        ErrorBody::name(),
    ))))
}

/// What a status means in this API, for responses whose annotation says no more.
fn meaning(status: &str) -> &'static str {
    match status {
        "200" => "Done; the answer",
        "201" => "Created; what was created",
        "204" => "Done; nothing to answer",
        "400" => "The request is malformed",
        "401" => "Not signed in: no valid bearer token or session",
        "403" => "The caller's roles do not allow it",
        "404" => "Not found, or out of the caller's reach",
        "409" => "Stale revision, or not allowed in the current state (the allowed ones are told)",
        "413" => "The body or file is too large",
        "422" => "Invalid input: `error.details.fields` tells each field and reason",
        "429" => "Too many requests: try again after `Retry-After` seconds",
        "503" => "Unavailable for now",
        _ => "See the operation's description",
    }
}

#[cfg(test)]
mod tests {
    use utoipa::openapi::response::Response;

    use super::*;

    #[test]
    fn every_response_gets_a_description_and_errors_the_error_body() {
        let mut operation = Operation::new();
        operation
            .responses
            .responses
            .insert("404".to_owned(), RefOr::T(Response::new("")));
        complete_operation(&mut operation);
        let RefOr::T(not_found) = &operation.responses.responses["404"] else {
            panic!("a response");
        };
        assert_eq!(not_found.description, meaning("404"));
        assert!(not_found.content.contains_key("application/json"));
        assert!(operation.responses.responses.contains_key("default"));
    }
}
