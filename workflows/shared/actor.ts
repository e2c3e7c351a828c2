// Who did something: recorded with every decision and state change.
/** `system`: an integration (the 共享交换体系) that posts life events; it acts on no application. */
export type Role = 'applicant' | 'agent' | 'window' | 'department' | 'coordinator' | 'hotline' | 'system';
export type Channel = 'web' | 'app' | 'window' | 'api';

/** What people read for a channel (receipts, the console via /console/labels.js). */
export const CHANNEL_LABELS: Record<Channel, string> = { web: '网上办', app: '掌上办', window: '窗口办', api: '系统对接' };

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
