// Who did something: recorded with every decision and state change.
export type Role = 'applicant' | 'agent' | 'window' | 'department' | 'coordinator' | 'hotline';
export type Channel = 'web' | 'app' | 'window' | 'api';

export interface Actor {
  sub: string;
  role: Role;
  name?: string;
  dept?: string;
  post?: 'A' | 'B';
  /** 帮办代办: the mandate under which an agent acts for the applicant. */
  mandate?: string;
  /** The channel the act came through. */
  channel?: Channel;
}
