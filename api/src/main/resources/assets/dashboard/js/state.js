/* The session's shared state: whether the app runs and which view the hash selects. */

export const session = {
  running: false,
  route: { name: 'overview' }
};

export function overviewVisible() { return session.running && session.route.name === 'overview'; }
