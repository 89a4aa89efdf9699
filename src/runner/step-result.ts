import type { EventDetails } from './events.js';

/** How a step ended when it did not throw; becomes the phase's last event. */
export interface StepResult {
  status: 'succeeded' | 'skipped';
  details: EventDetails;
}
