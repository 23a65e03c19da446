export const MD_GATEWAY_CONFIG = Symbol('MD_GATEWAY_CONFIG');
