export const REALTIME_CONFIG = Symbol('REALTIME_CONFIG');
/** The room bus (Redis or in-process, chosen by `REDIS_URL`). */
export const ROOM_BUS = Symbol('ROOM_BUS');
/** Who leads (computes the rooms) among the instances. */
export const LEADER_LEASE = Symbol('LEADER_LEASE');
