/** The message for a step stopped through its abort signal: the reason given, else `stopped`. @example stopMessage(AbortSignal.abort('timed out after 5s')) // 'timed out after 5s' */
export const stopMessage = (signal: AbortSignal): string => (typeof signal.reason === 'string' ? signal.reason : 'stopped')
