export {
  createAccessTokenClient,
  type AccessTokenClient,
  type AccessTokenClientOptions,
} from './access-token-client.js';
export { AccessTokenError, isTimeout } from './errors.js';
export { basicAuthorization, TOKEN_PATH } from './request-token.js';
export { parseTokenResponse, type IssuedToken } from './token-response.js';
