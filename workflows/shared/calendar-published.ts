// The signal that carries a newly published working-day calendar to every running workflow that
// keeps a clock (items, tickets, rectifications, post-checks; the application has its own,
// publishCalendar, which forwards it to its items): each counts its clocks again and moves its timers.
import { defineSignal } from '@temporalio/workflow';
import type { WorkingCalendar } from './working-days.js';

export const calendarPublished = defineSignal<[{ calendar: WorkingCalendar }]>('calendarPublished');
