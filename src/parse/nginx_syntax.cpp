// The nginx log_format syntax: $name or ${name}, each variable darkscan reads mapped to its field.
#include <darkscan/common/error.hpp>
#include <darkscan/parse/format_builder.hpp>

#include <fmt/format.h>

#include <cctype>

namespace darkscan {

namespace {

bool is_var_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The step of the variable `name` (without its '$'): a field of darkscan's, or skip.
LogFormat::Step nginx_step(std::string_view name) {
  LogFormat::Step step = make_step(FieldKind::skip, "$" + std::string(name));
  if (name == "remote_addr") {
    step.kind = FieldKind::client;
  } else if (name == "realip_remote_addr") {
    // The address before the realip module replaced it (the proxy's): the client only when the
    // format logs nothing better.
    step.kind = FieldKind::client;
    step.rank = -1;
  } else if (name.substr(0, 9) == "upstream_") {
    step.scan = LogFormat::Scan::value_list; // one value per upstream tried: "0.001, 0.002 : 0.003"
  } else if (name == "remote_port" || name == "server_port" || name == "realip_remote_port" ||
             name == "proxy_protocol_port") {
    step.port = true;
  } else if (name == "remote_user") {
    step.kind = FieldKind::user;
  } else if (name == "time_local") {
    step.kind = FieldKind::time;
    step.time_kind = TimeKind::clf;
  } else if (name == "time_iso8601") {
    step.kind = FieldKind::time;
    step.time_kind = TimeKind::iso8601;
  } else if (name == "msec") {
    step.kind = FieldKind::time;
    step.time_kind = TimeKind::epoch_seconds;
  } else if (name == "request") {
    step.kind = FieldKind::request;
  } else if (name == "request_method") {
    step.kind = FieldKind::method;
  } else if (name == "request_uri") {
    step.kind = FieldKind::target;
  } else if (name == "uri" || name == "document_uri") {
    step.kind = FieldKind::path;
  } else if (name == "args" || name == "query_string") {
    step.kind = FieldKind::query;
  } else if (name == "server_protocol") {
    step.kind = FieldKind::protocol;
  } else if (name == "status") {
    step.kind = FieldKind::status;
  } else if (name == "body_bytes_sent" || name == "bytes_sent") {
    step.kind = FieldKind::bytes;
  } else if (name == "http_referer") {
    step.kind = FieldKind::referer;
  } else if (name == "http_user_agent") {
    step.kind = FieldKind::user_agent;
  } else if (name == "host" || name == "server_name" || name == "http_host") {
    step.kind = FieldKind::host;
  } else if (name == "http_x_forwarded_for" || name == "proxy_add_x_forwarded_for") {
    step.kind = FieldKind::forwarded_for;
  } else if (name == "http_x_requested_with") {
    step.kind = FieldKind::requested_with;
  } else if (name == "request_time") {
    step.kind = FieldKind::duration;
    step.duration_scale = 1000000;
  }
  return step;
}

} // namespace

bool looks_like_nginx(std::string_view s, std::size_t& first) {
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] == '$' && (is_var_char(s[i + 1]) || s[i + 1] == '{')) {
      first = i;
      return true;
    }
  }
  return false;
}

void compile_nginx(std::string_view s, FormatBuilder& builder, bool config_escapes) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '$') {
      std::size_t next = s.find('$', i);
      if (next == std::string_view::npos) next = s.size();
      std::string text;
      for (std::size_t k = i; k < next; ++k) {
        const char escaped = config_escapes && s[k] == '\\' && k + 1 < next ? nginx_escape(s[k + 1]) : 0;
        text += escaped ? escaped : s[k];
        k += escaped != 0;
      }
      builder.literal(text);
      i = next;
      continue;
    }
    const std::size_t column = i;
    std::string_view name;
    if (i + 1 < s.size() && s[i + 1] == '{') {
      std::size_t close = s.find('}', i + 2);
      if (close == std::string_view::npos) {
        throw Error(message(N_("--log-format: '${{' at column {} is never closed"), column + 1));
      }
      name = s.substr(i + 2, close - i - 2);
      i = close + 1;
    } else {
      std::size_t end = i + 1;
      while (end < s.size() && is_var_char(s[end]))
        ++end;
      name = s.substr(i + 1, end - i - 1);
      i = end;
    }
    if (name.empty()) {
      throw Error(message(N_("--log-format: '$' at column {} is not followed by a variable name (write "
                             "$name or ${{name}})"),
                          column + 1));
    }
    builder.field(nginx_step(name), column);
  }
}

} // namespace darkscan
