#pragma once
// Steps every OAuth wire version's token views take, each version with its own error table
// (`error_of(const oauth::error&, std::string_view correlation_id) -> response`): reading a
// form-encoded body, and a service reply shaped in that version's words.
#include <optional>
#include <string_view>
#include <utility>

#include "hsoauth/http/answer.hpp"
#include "hsoauth/http/form.hpp"
#include "hsoauth/http/router.hpp"
#include "hsoauth/http/transport_error.hpp"

namespace hsoauth::http::wire {

// The form of a POST, or nullopt once `respond` has refused it: 415 for another media type (the
// transport's body), an unreadable form in `error_of`'s words.
template <class ErrorOf>
std::optional<form_fields> read_form_body(const request& req, responder& respond, ErrorOf error_of) {
    if (!is_form_content_type(req.header("content-type"))) {
        respond(transport_error_response(transport_errc::unsupported_media_type, req.correlation_id));
        return std::nullopt;
    }
    auto form = decode_form(req.body);
    if (!form) {
        respond(error_of(form.err(), std::string_view(req.correlation_id)));
        return std::nullopt;
    }
    return std::move(*form);
}

// A reply that answers the value with `on_value` and errors with `error_of`.
template <class T, class OnValue, class ErrorOf>
service::reply<T> answer_in(const endpoints& e, const request& req, responder respond, OnValue on_value,
                            ErrorOf error_of) {
    return answer<T>(std::move(respond), req.correlation_id, e.log, std::move(on_value),
                     [error_of = std::move(error_of), correlation_id = std::string_view(req.correlation_id)](
                         const oauth::error& err) { return error_of(err, correlation_id); });
}

}  // namespace hsoauth::http::wire
