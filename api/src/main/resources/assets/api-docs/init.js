// The API's own description, served by the API (nothing from the internet). "Authorize" takes the
// operator's bearer token (API_ADMIN_TOKEN) for "Try it out".
window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: false,
});
