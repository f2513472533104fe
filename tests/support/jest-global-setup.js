const temp = require('./jest-temp.js');
const goEnv = require('./jest-go-env.js');

module.exports = () => {
  temp.setup();
  goEnv.setup();
};
