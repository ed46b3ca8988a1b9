/** The OpenAPI 3.1 document of this API; built by concept in ./openapi/. */
export { openApiDocument, type OpenApiDocument } from './openapi/index.js';
