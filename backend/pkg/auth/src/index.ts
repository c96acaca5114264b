export {
  ALLOWED_ALGORITHMS,
  ASYMMETRIC_ALGORITHMS,
  createTokenVerifier,
  type AllowedAlgorithm,
  type TokenVerifier,
  type TokenVerifierOptions,
  type VerificationFailure,
  type VerificationResult,
} from './verifier.js';
