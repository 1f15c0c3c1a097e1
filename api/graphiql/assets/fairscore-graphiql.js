// Fairscore's GraphiQL: queries go to this page's own URL (/graphql) with the headers the
// user enters in the Headers tab. Every request needs "Authorization: Bearer <token>"; until
// one is there, the IDE explains how to get it instead of sending requests that would get 401.
(function () {
  "use strict";

  var endpoint = window.location.origin + window.location.pathname;
  var DEFAULT_HEADERS = '{\n  "Authorization": "Bearer <paste an access token from POST /oauth/token>"\n}';
  // This month (the browser's calendar), so the example never goes stale.
  var today = new Date();
  var thisMonth =
    today.getFullYear() + "-" + String(today.getMonth() + 1).padStart(2, "0") + "-01";
  var DEFAULT_QUERY = [
    "# Put your access token in the Headers tab below, then run (Ctrl-Enter).",
    "{",
    '  agentScores(period: {grain: MONTH, start: "' + thisMonth + '"}) {',
    "    agent { externalId name }",
    "    total",
    "    metrics { key value sampleSize }",
    "  }",
    "}",
    "",
  ].join("\n");
  var NO_TOKEN = {
    errors: [
      {
        message:
          'No access token. Get one with the client-credentials grant (POST /oauth/token) and put it in the Headers tab: {"Authorization": "Bearer <token>"}',
        extensions: { code: "UNAUTHENTICATED" },
      },
    ],
  };
  var RE_INTROSPECT_AFTER_MS = 500; // re-read the schema once the user stops typing a token

  // The bearer token in a headers object (any header-name case), or "" when there is none.
  function bearerToken(headers) {
    var name;
    for (name in headers || {}) {
      if (name.toLowerCase() === "authorization") {
        var match = /^\s*bearer\s+([^\s<>]+)\s*$/i.exec(String(headers[name]));
        return match ? match[1] : "";
      }
    }
    return "";
  }

  // The bearer token in the Headers editor's text, or "" when it is missing or not JSON.
  function tokenInText(text) {
    try {
      return bearerToken(JSON.parse(text || "{}"));
    } catch (_error) {
      return "";
    }
  }

  function tokenFetcher() {
    var http = GraphiQL.createFetcher({ url: endpoint });
    return function (params, options) {
      if (!bearerToken(options && options.headers)) {
        return Promise.resolve(NO_TOKEN);
      }
      return http(params, options);
    };
  }

  function FairscoreGraphiQL() {
    var token = React.useState("");
    var timer = React.useRef(null);
    // A new fetcher makes GraphiQL introspect again: the schema appears once a token is there.
    var fetcher = React.useMemo(tokenFetcher, [token[0]]);

    function onEditHeaders(text) {
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(function () {
        token[1](tokenInText(text));
      }, RE_INTROSPECT_AFTER_MS);
    }

    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: DEFAULT_QUERY,
      defaultHeaders: DEFAULT_HEADERS,
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false, // a token stays out of localStorage
      onEditHeaders: onEditHeaders,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(FairscoreGraphiQL),
  );
})();
